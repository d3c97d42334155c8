import Testing
@testable import Forecasting

/// Split-conformal intervals (issue 19).
@Suite struct ConformalTests {
    /// Two calibration errors 1 and 3 at a step and a point forecast of 10: the values
    /// 7, 9, 11, 13; the 80% interval from their 10% to their 90% quantile (positions 0.3 and
    /// 2.7 of 0...3): 7.6 to 12.4; the 95% one (positions 0.075, 2.925): 7.15 to 12.85.
    @Test func boundsOfAHandComputedExample() {
        let calibration = ConformalCalibration(coverages: [0.95, 0.8], scores: [[1, 0], [3, 2]], step: 1)
        let f = calibration.forecast(around: [10, 20, 30])
        #expect(calibration.levels == [0.025, 0.1, 0.9, 0.975])
        #expect(f.point == [10, 20, 30] && f.intervals.map(\.coverage) == [0.8, 0.95])
        func close(_ a: [Double], _ b: [Double]) -> Bool { zip(a, b).allSatisfy { abs($0 - $1) < 1e-12 } && a.count == b.count }
        #expect(close(f.intervals[0].lower, [7.6, 20 - 1.4, 30 - 1.4]) && close(f.intervals[0].upper, [12.4, 21.4, 31.4]))
        #expect(close(f.intervals[1].lower, [7.15, 20 - 1.85, 30 - 1.85]) && close(f.intervals[1].upper, [12.85, 21.85, 31.85]))
        // Step 3 is beyond the calibrated horizon (2): it takes step 2's scores.
        #expect(f.quantiles.map(\.level) == calibration.levels)
    }

    /// Naive on 1, 2, 4, 7, 11, 16 with H = 2, two origins one row apart: origin 3 forecasts
    /// 4, 4 against 7, 11 (errors 3, 7), origin 4 (refitted: a baseline) 7, 7 against 11, 16
    /// (errors 4, 9); the final model forecasts 16.
    @Test func calibrationByHand() throws {
        let series = SeriesData(target: [1, 2, 4, 7, 11, 16])
        let settings = ConformalForecaster.Settings(coverages: [0.5], windows: 2, step: 1, horizon: 2)
        let calibration = try ConformalForecaster.calibrate(settings, on: series) { Naive() }
        #expect(calibration.scores == [[3, 7], [4, 9]])
        var model = ConformalForecaster(settings) { Naive() }
        try model.fit(series)
        let f = try model.predict(horizon: 2)
        // Step 1: values 16 - 4, 16 - 3, 16 + 3, 16 + 4 -> 25% and 75% quantiles at positions 0.75, 2.25.
        #expect(f.point == [16, 16] && abs(f.intervals[0].lower[0] - 12.75) < 1e-12 && abs(f.intervals[0].upper[0] - 19.25) < 1e-12)
        #expect(throws: ForecastingError.self) {
            try ConformalForecaster.calibrate(ConformalForecaster.Settings(coverages: [0.8], windows: 4, step: 1, horizon: 2),
                                              on: series) { Naive() }
        }
    }

    /// A model file's calibration is checked: coverages in (0, 1), as many finite scores per origin.
    @Test func badCalibrationsAreRefused() {
        let good = ConformalCalibration(coverages: [0.8], scores: [[1, 2]], step: 1)
        #expect(throws: Never.self) { try good.validate() }
        for bad in [ConformalCalibration(coverages: [1.2], scores: [[1, 2]], step: 1),
                    ConformalCalibration(coverages: [0.8], scores: [[1, 2], [1]], step: 1),
                    ConformalCalibration(coverages: [0.8], scores: [[1, .nan]], step: 1),
                    ConformalCalibration(coverages: [0.8], scores: [[-1, 2]], step: 1),
                    ConformalCalibration(coverages: [0.8], scores: [], step: 1),
                    ConformalCalibration(coverages: [0.8], scores: [[1]], step: 0)] {
            #expect(throws: ForecastingError.self) { try bad.validate() }
        }
    }
}
