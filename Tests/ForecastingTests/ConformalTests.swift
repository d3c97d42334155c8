import Testing
import TestSupport
import TimeSeries
@testable import Forecasting

/// Split-conformal intervals (issue 19).
@Suite struct ConformalTests {
    /// Two calibration errors 1 and 3 at a step and a point forecast of 10: the values
    /// 7, 9, 11, 13. With two origins the finite-sample correction reads the 50% interval at
    /// 75% (c (N + 1) / N), from the 12.5% to the 87.5% quantile (positions 0.375 and 2.625 of
    /// 0...3): 7.75 to 12.25; the 80% one at min(1, 1.2): the extremes, 7 to 13.
    @Test func boundsOfAHandComputedExample() {
        let calibration = ConformalCalibration(coverages: [0.8, 0.5], scores: [[1, 0], [3, 2]], step: 1)
        let f = calibration.forecast(around: [10, 20, 30])
        #expect(calibration.levels == [0.1, 0.25, 0.75, 0.9])
        #expect(f.point == [10, 20, 30] && f.intervals.map(\.coverage) == [0.5, 0.8])
        func close(_ a: [Double], _ b: [Double]) -> Bool { zip(a, b).allSatisfy { abs($0 - $1) < 1e-12 } && a.count == b.count }
        #expect(close(f.intervals[0].lower, [7.75, 18.75, 28.75]) && close(f.intervals[0].upper, [12.25, 21.25, 31.25]))
        // Step 3, beyond the calibrated horizon (2), took step 2's scores; `check` refuses it.
        #expect(close(f.intervals[1].lower, [7, 18, 28]) && close(f.intervals[1].upper, [13, 22, 32]))
        #expect(f.quantiles.map(\.level) == calibration.levels)
        #expect(throws: ForecastingError.self) { try calibration.check(horizon: 3) }
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
        // Step 1: values 16 - 4, 16 - 3, 16 + 3, 16 + 4; the 50% interval read at 75% (two
        // origins): the 12.5% and 87.5% quantiles, at positions 0.375 and 2.625.
        #expect(f.point == [16, 16] && abs(f.intervals[0].lower[0] - 12.375) < 1e-12 && abs(f.intervals[0].upper[0] - 19.625) < 1e-12)
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

/// A model file's conformal calibration is read back as written and checked on read.
@Suite struct ConformalModelFileTests {
    func file(_ calibration: ConformalCalibration) throws -> String {
        var naive = Naive()
        try naive.fit(SeriesData(target: [1, 2, 3, 4]))
        var file = ModelFile(model: .baseline(naive), target: "y", covariates: [], frequency: .index, timestampStyle: .date,
                             lastTimestamp: nil, provenance: [:])
        file.conformal = calibration
        let path = temporaryPath("conformal.safetensors")
        try file.write(to: path)
        return path
    }

    @Test func theCalibrationSurvivesAndACraftedOneIsRefused() throws {
        let good = ConformalCalibration(coverages: [0.8, 0.95], scores: [[1, 2], [3, 4]], step: 2)
        #expect(try ModelFile.read(path: file(good)).conformal == good)
        for bad in [ConformalCalibration(coverages: [0.8], scores: [[1, -2]], step: 1),
                    ConformalCalibration(coverages: [1], scores: [[1]], step: 1),
                    ConformalCalibration(coverages: [0.8], scores: [[1, 2], [3]], step: 1)] {
            #expect(throws: ForecastingError.self) { try ModelFile.read(path: file(bad)) }
        }
    }
}
