import Support
import Testing
@testable import TimeSeries

@Suite struct WindowsTests {
    @Test func manyToOneSamples() throws {
        let w = try Windows(.manyToOne(inputLength: 3, horizon: 2), seriesLength: 10)
        #expect(w.starts == [0, 1, 2, 3, 4, 5])
        let target: [Float] = (0..<10).map(Float.init)
        let features: [Float] = (0..<10).flatMap { [Float($0), Float($0) * 10] }
        let batch = w.batch([5], features: features, featureCount: 2, target: target)
        #expect(batch.x == [5, 50, 6, 60, 7, 70])
        #expect(batch.y == [8, 9])
        let strided = try Windows(.manyToOne(inputLength: 3, horizon: 2), seriesLength: 10, stride: 2)
        #expect(strided.starts == [0, 2, 4])
    }

    @Test func manyToManyTargetsAreTheNextValues() throws {
        let w = try Windows(.manyToMany(length: 4), seriesLength: 6)
        #expect(w.starts == [0, 1])
        let target: [Float] = [0, 1, 2, 3, 4, 5]
        let batch = w.batch([1], features: target, featureCount: 1, target: target)
        #expect(batch.x == [1, 2, 3, 4])
        #expect(batch.y == [2, 3, 4, 5])
    }

    @Test func tooShortIsAnError() {
        #expect(throws: TimeSeriesError.self) {
            try Windows(.manyToOne(inputLength: 48, horizon: 24), seriesLength: 50, series: "x.csv")
        }
        do {
            _ = try Windows(.manyToOne(inputLength: 48, horizon: 24), seriesLength: 50, series: "x.csv")
        } catch {
            #expect(error.description == "x.csv: series has 50 rows, fewer than the 72 needed for an input window of 48 and a horizon of 24")
        }
    }

    @Test func timeOrderedSplitRoundsHalfToEven() throws {
        let w = try Windows(.manyToOne(inputLength: 1, horizon: 1), seriesLength: 26)  // 25 samples
        let (train, validation) = w.split(validationFraction: 0.1)  // round(2.5) = 2
        #expect(validation.starts == [23, 24])
        #expect(train.count == 23)
        let w2 = try Windows(.manyToOne(inputLength: 1, horizon: 1), seriesLength: 36)  // 35 samples
        #expect(w2.split(validationFraction: 0.1).validation.count == 4)  // round(3.5) = 4
    }

    @Test func shuffledBatchesDependOnlyOnTheSeed() throws {
        let w = try Windows(.manyToOne(inputLength: 2, horizon: 1), seriesLength: 40)
        var g1 = SplitMix64(seed: 0), g2 = SplitMix64(seed: 0)
        let a = w.shuffledBatches(size: 8, using: &g1)
        let b = w.shuffledBatches(size: 8, using: &g2)
        #expect(a == b)
        #expect(a.flatMap { $0 }.sorted() == Array(0..<w.count))
        #expect(a.flatMap { $0 } != Array(0..<w.count))
        #expect(a.map(\.count) == [8, 8, 8, 8, 6])
        #expect(w.orderedBatches(size: 16).flatMap { $0 } == Array(0..<w.count))
    }

    @Test func statefulBatchesContinueRowByRow() throws {
        let s = try StatefulBatches(seriesLength: 20, rows: 2, length: 3)
        #expect(s.segmentLength == 10 && s.count == 3)
        let target: [Float] = (0..<20).map(Float.init)
        let b0 = s.batch(0, features: target, featureCount: 1, target: target)
        let b1 = s.batch(1, features: target, featureCount: 1, target: target)
        #expect(b0.x == [0, 1, 2, 10, 11, 12])
        #expect(b1.x == [3, 4, 5, 13, 14, 15])  // row b of batch 1 continues row b of batch 0
        #expect(b1.y == [4, 5, 6, 14, 15, 16])
        #expect(throws: TimeSeriesError.self) { try StatefulBatches(seriesLength: 5, rows: 4, length: 3) }
    }

    @Test func directStatefulBatchesTargetTheValuesAfterEachWindow() throws {
        // Segments of 10 rows; windows of 3 with the 2 values after each inside the segment.
        let s = try StatefulBatches(seriesLength: 20, rows: 2, length: 3, horizon: 2)
        #expect(s.segmentLength == 10 && s.count == 2)
        let values: [Float] = (0..<20).map(Float.init)
        let b1 = s.batch(1, features: values, featureCount: 1, target: values)
        #expect(b1.x == [3, 4, 5, 13, 14, 15] && b1.y == [6, 7, 16, 17] && b1.targetLength == 2)
        // Two features per row: each window's rows keep both.
        let two: [Float] = (0..<40).map(Float.init)
        #expect(s.batch(0, features: two, featureCount: 2, target: values).x == [0, 1, 2, 3, 4, 5, 20, 21, 22, 23, 24, 25])
        #expect(throws: TimeSeriesError.self) { try StatefulBatches(seriesLength: 8, rows: 2, length: 3, horizon: 2) }
    }
}
