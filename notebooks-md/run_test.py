#!/usr/bin/env python3
"""Tests of run.py's comparison of expected and actual outputs: `python3 notebooks-md/run_test.py`
(the test suite runs it: NotebookTests)."""
import os, sys, unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run import matches, tokens  # noqa: E402


def same(expected, actual):
    return matches([expected], [actual])[0]


class CompareTests(unittest.TestCase):
    # The line of issue 20: the AVX2 machine's CSV differs from the AVX-512 one in the 8th digit.
    CSV = "gru,datasets/air_passengers_monthly.csv,1,10,16.829530859241885,21.89973809754922,0.52"

    def test_csv_line_differing_in_the_8th_digit_is_equal(self):
        self.assertTrue(same(self.CSV, "gru,datasets/air_passengers_monthly.csv,1,10,16.829530368496968,21.899738333243697,0.52"))

    def test_csv_line_differing_in_the_3rd_digit_is_different(self):
        self.assertFalse(same(self.CSV, "gru,datasets/air_passengers_monthly.csv,1,10,16.929530859241885,21.89973809754922,0.52"))

    def test_json_numbers_are_compared_within_the_tolerance(self):
        expected = '{"step": 1, "forecast": 25840.510242459637, "lower_80": [1.5e-3, 2]}'
        self.assertTrue(same(expected, '{"step": 1, "forecast": 25840.51024721, "lower_80": [1.5000001e-3, 2]}'))
        self.assertFalse(same(expected, '{"step": 1, "forecast": 25940.5, "lower_80": [1.5e-3, 2]}'))
        self.assertFalse(same(expected, '{"step": 2, "forecast": 25840.510242459637, "lower_80": [1.5e-3, 2]}'))

    def test_words_and_separators_compare_exactly(self):
        self.assertFalse(same(self.CSV, self.CSV.replace("gru", "lstm")))
        self.assertFalse(same("1,2,3", "1;2;3"))
        self.assertFalse(same('"a": 1', '"b": 1'))
        self.assertFalse(same("1,2,3", "1,2,3,4"))

    def test_tables_compare_by_column_and_ignore_spacing(self):
        self.assertTrue(same("  1  2000-08-25T00:00:00   25840.5", "  1  2000-08-25T00:00:00     25840.51"))
        self.assertFalse(same("  1  2000-08-25T00:00:00   25840.5", "  1  2000-08-25T00:30:00   25840.5"))

    def test_times_stay_whole_and_run_times_are_not_compared(self):
        self.assertEqual(tokens("2000-08-25T00:30:00,1"), ["2000-08-25T00:30:00", ",", "1"])
        self.assertTrue(same("1  2026-12-02T05:00:00.123456Z  complete", "1  2026-12-03T17:21:09.654321Z  complete"))
        self.assertFalse(same("1  2026-12-02T05:00:00.123456Z  complete", "1  2026-12-02T05:00:00.123456Z  failed"))

    def test_elided_lines_must_exist(self):
        self.assertTrue(matches(["a", "[... 2 more lines]", "d"], ["a", "b", "c", "d"])[0])
        self.assertFalse(matches(["a", "[... 2 more lines]", "d"], ["a", "b", "d"])[0])
        self.assertFalse(matches(["a"], ["a", "extra"])[0])


if __name__ == "__main__":
    unittest.main()
