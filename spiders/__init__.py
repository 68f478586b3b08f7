"""Scrapy spiders of thcrawl (installed as thcrawl.spiders)."""
