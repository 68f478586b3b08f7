"""Scrapy's warning for generator callbacks that return a value is off in the crawl (its per-request check
re-parses the callback's source, see thcrawl/settings.py); the same check runs here once per callback."""

import inspect

import pytest
from scrapy.settings import Settings
from scrapy.utils.misc import is_generator_with_return_value
from thcrawl.spiders.ttv import TtvSpider

CALLBACKS = [name for name, member in inspect.getmembers(TtvSpider, inspect.isgeneratorfunction)
             if name.startswith("parse")]


def test_the_spider_has_generator_callbacks_to_check():
    assert {"parse_article", "parse_listing", "parse_home"} <= set(CALLBACKS)


@pytest.mark.parametrize("name", CALLBACKS)
def test_no_generator_callback_returns_a_value(name):
    # A `return value` inside a generator callback is silently dropped by Scrapy.
    assert not is_generator_with_return_value(getattr(TtvSpider, name))


def test_the_check_finds_a_generator_that_returns_a_value():
    def callback(response):
        yield 1
        return 2

    assert is_generator_with_return_value(callback)


def test_the_crawl_settings_turn_the_per_request_check_off():
    settings = Settings()
    settings.setmodule("thcrawl.settings", priority="project")  # as thcrawl.crawl builds them
    assert settings.getbool("WARN_ON_GENERATOR_RETURN_VALUE") is False
