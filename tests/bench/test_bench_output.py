"""bench/bench.py: reading wrk's output and printing the table (no server, no wrk)."""

import pytest

from bench.bench import PageRow, WrkResult, add_ratios, format_growth, format_table, parse_wrk

WRK_OUTPUT = """\
Running 10s test @ http://127.0.0.1:8765/en/countries/us/
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    41.87ms   12.20ms 181.71ms   78.12%
    Req/Sec    95.63     18.41   140.00     69.50%
  Latency Distribution
     50%   39.95ms
     75%   47.11ms
     90%   56.80ms
     99%    1.02s
  1911 requests in 10.02s, 88.43MB read
  Socket errors: connect 0, read 0, write 0, timeout 2
  Non-2xx or 3xx responses: 3
Requests/sec:    190.72
Transfer/sec:      8.83MB
"""


def test_parse_wrk_reads_throughput_percentiles_in_ms_and_errors():
    result = parse_wrk(WRK_OUTPUT)
    assert result.requests_per_second == 190.72
    assert result.p50_ms == pytest.approx(39.95)
    assert result.p99_ms == pytest.approx(1020.0)
    assert result.requests == 1911
    assert result.errors == 5


def test_parse_wrk_converts_microseconds():
    text = WRK_OUTPUT.replace("39.95ms", "812.00us").replace("1.02s", "2.50ms")
    result = parse_wrk(text)
    assert result.p50_ms == pytest.approx(0.812)
    assert result.p99_ms == pytest.approx(2.5)


def test_parse_wrk_rejects_other_output():
    with pytest.raises(ValueError, match="not wrk"):
        parse_wrk("unable to connect to 127.0.0.1:8765 Connection refused\n")


def test_table_gives_each_page_its_median_and_ratio_to_the_floor_of_the_same_run():
    floor = PageRow("floor", "/en/bench/floor/")
    floor.runs = [
        WrkResult(1000, 5, 9, 10000),
        WrkResult(500, 9, 20, 5000),
        WrkResult(800, 6, 10, 8000),
    ]
    country = PageRow("country", "/en/countries/us/", queries=7, gzip_bytes=10240, status=200)
    # Run 2 is slow for both (a noisy neighbour): the ratio stays 0.5 in every run.
    country.runs = [
        WrkResult(500, 10, 30, 5000),
        WrkResult(250, 20, 60, 2500),
        WrkResult(400, 12, 40, 4000),
    ]
    add_ratios([floor, country])
    assert country.ratios == [0.5, 0.5, 0.5]
    assert country.rps == 400
    assert country.p99 == 40
    table = format_table([floor, country], runs=3)
    lines = table.splitlines()
    assert lines[0] == "Throughput and latency (median of 3 runs)"
    assert lines[3].split() == ["floor", "800.0", "6.0", "10.0", "100%", "-", "-", "-", "0"]
    assert lines[4].split() == ["country", "400.0", "12.0", "40.0", "50%", "7", "10.0", "200", "0"]


def test_growth_table_shows_how_p50_grows_from_the_smallest_size():
    results = {
        size: {
            "country": WrkResult(100, p50, p50 * 2, 1000),
            "search": WrkResult(100, 10, 20, 1000),
        }
        for size, p50 in ((1_000, 10.0), (10_000, 12.0), (100_000, 15.0))
    }
    lines = format_growth(results).splitlines()
    assert lines[3].split() == ["country", "1,000", "100.0", "10.0", "20.0", "1.00"]
    assert lines[5].split() == ["country", "100,000", "100.0", "15.0", "30.0", "1.50"]
