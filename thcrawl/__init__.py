"""thcrawl: crawler and dataset tool for truyenhinhthanhhoa.vn, built on Scrapy."""

__version__ = "0.1.0"

SITE_URL = "https://truyenhinhthanhhoa.vn"
