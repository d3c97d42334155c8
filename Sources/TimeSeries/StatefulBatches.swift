/// Contiguous, unshuffled batches for stateful training (Keras `stateful=True`).
///
/// The series is cut into `rows` contiguous segments of equal length; batch k holds, in
/// row b, the k-th window of `length` steps of segment b, so row b of batch k continues
/// exactly where row b of batch k-1 stopped and the hidden state can be carried across.
/// Each window's target is the next value after every step (many-to-many).
public struct StatefulBatches: Sendable, Equatable {
    /// Batch rows (the state's batch dimension).
    public let rows: Int
    /// Steps per window.
    public let length: Int
    /// Rows per segment; the tail of the series that does not fill a segment is left out.
    public let segmentLength: Int
    /// The number of batches (windows per segment).
    public let count: Int

    /// Batches of `rows` contiguous segments of `length` steps over a series of `seriesLength`.
    public init(seriesLength: Int, rows: Int, length: Int, series: String = "series") throws(TimeSeriesError) {
        precondition(rows >= 1 && length >= 1, "StatefulBatches: rows and length must be at least 1")
        self.rows = rows
        self.length = length
        self.segmentLength = seriesLength / rows
        self.count = segmentLength >= 1 ? (segmentLength - 1) / length : 0
        guard count >= 1 else {
            throw .seriesTooShort(series: series, length: seriesLength, needed: rows * (length + 1),
                                  detail: "\(rows) stateful rows of \(length)-step windows")
        }
    }

    /// The first input row of row `b` in batch `k`.
    public func start(batch k: Int, row b: Int) -> Int { b * segmentLength + k * length }

    /// Batch `k` as Float arrays: x [rows, length, F], y [rows, length] (next values).
    public func batch(_ k: Int, features: [Float], featureCount f: Int, target: [Float]) -> Batch {
        var x = [Float](repeating: 0, count: rows * length * f)
        var y = [Float](repeating: 0, count: rows * length)
        for b in 0..<rows {
            let s = start(batch: k, row: b)
            for i in 0..<(length * f) { x[b * length * f + i] = features[s * f + i] }
            for t in 0..<length { y[b * length + t] = target[s + t + 1] }
        }
        return Batch(x: x, y: y, batchSize: rows, steps: length, features: f, targetLength: length)
    }
}
