"""A local replica of truyenhinhthanhhoa.vn: generated content in the site's markup, served on loopback."""
