/// Contiguous, unshuffled batches for stateful training (Keras `stateful=True`).
///
/// The series is cut into `rows` contiguous segments of equal length; batch k holds, in
/// row b, the k-th window of `length` steps of segment b, so row b of batch k continues
/// exactly where row b of batch k-1 stopped and the hidden state can be carried across.
/// Each window's target is the next value after every step (many-to-many), or with a
/// `horizon` H the H values after the window (many-to-one, direct), inside its segment.
public struct StatefulBatches: Sendable, Equatable {
    /// Batch rows (the state's batch dimension).
    public let rows: Int
    /// Steps per window.
    public let length: Int
    /// Rows per segment; the tail of the series that does not fill a segment is left out.
    public let segmentLength: Int
    /// The number of batches (windows per segment).
    public let count: Int
    /// Direct targets: the values after each window (nil: the next value after every step).
    public let horizon: Int?

    /// Batches of `rows` contiguous segments of `length` steps over a series of `seriesLength`;
    /// with `horizon`, each window's target is the `horizon` values after it.
    public init(seriesLength: Int, rows: Int, length: Int, horizon: Int? = nil, series: String = "series")
        throws(TimeSeriesError)
    {
        precondition(rows >= 1 && length >= 1 && (horizon ?? 1) >= 1, "StatefulBatches: rows, length and horizon must be at least 1")
        self.rows = rows
        self.length = length
        self.horizon = horizon
        self.segmentLength = seriesLength / rows
        let after = horizon ?? 1
        self.count = segmentLength >= after ? (segmentLength - after) / length : 0
        guard count >= 1 else {
            throw .seriesTooShort(series: series, length: seriesLength, needed: rows * (length + after),
                                  detail: "\(rows) stateful rows of \(length)-step windows" + (horizon.map { " and \($0) values after each" } ?? ""))
        }
    }

    /// The first input row of row `b` in batch `k`.
    public func start(batch k: Int, row b: Int) -> Int { b * segmentLength + k * length }

    /// Batch `k` as Float arrays: x [rows, length, F], y [rows, length] (next values) or
    /// [rows, horizon] (the values after the window).
    public func batch(_ k: Int, features: [Float], featureCount f: Int, target: [Float]) -> Batch {
        let targets = horizon ?? length
        var x = [Float](repeating: 0, count: rows * length * f)
        var y = [Float](repeating: 0, count: rows * targets)
        for b in 0..<rows {
            let s = start(batch: k, row: b)
            for i in 0..<(length * f) { x[b * length * f + i] = features[s * f + i] }
            for t in 0..<targets { y[b * targets + t] = target[horizon == nil ? s + t + 1 : s + length + t] }
        }
        return Batch(x: x, y: y, batchSize: rows, steps: length, features: f, targetLength: targets)
    }
}
