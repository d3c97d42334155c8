/// Training samples cut from one series: where each sample's input and target rows start.
///
/// Many-to-one: input rows `s ..< s+L` (L x F features), target the next `H` values of
/// the target column, rows `s+L ..< s+L+H`.
/// Many-to-many: input rows `s ..< s+T`, target at step t the target value of row `s+t+1`
/// (the next value after every input step), so `H` is 1 and the target is T values long.
public struct Windows: Sendable, Equatable {
    /// The sample shape.
    public enum Shape: Sendable, Equatable {
        case manyToOne(inputLength: Int, horizon: Int)
        case manyToMany(length: Int)
    }

    public let shape: Shape
    /// The first input row of every sample, in time order.
    public var starts: [Int]

    /// Input steps per sample.
    public var inputLength: Int {
        switch shape {
        case .manyToOne(let l, _): l
        case .manyToMany(let t): t
        }
    }

    /// Target values per sample: H for many-to-one, T for many-to-many.
    public var targetLength: Int {
        switch shape {
        case .manyToOne(_, let h): h
        case .manyToMany(let t): t
        }
    }

    /// Rows one sample spans, input and target together.
    public var span: Int {
        switch shape {
        case .manyToOne(let l, let h): l + h
        case .manyToMany(let t): t + 1
        }
    }

    /// Every sample of a series of `length` rows, the first starting at row 0, then every
    /// `stride` rows, the last ending at or before the last row.
    public init(_ shape: Shape, seriesLength length: Int, stride: Int = 1, series: String = "series")
        throws(TimeSeriesError)
    {
        precondition(stride >= 1, "Windows: stride must be at least 1")
        self.shape = shape
        self.starts = []
        let detail = switch shape {
        case .manyToOne(let l, let h): "an input window of \(l) and a horizon of \(h)"
        case .manyToMany(let t): "sequences of \(t) steps and their next values"
        }
        guard inputLength >= 1, targetLength >= 1 else {
            throw .seriesTooShort(series: series, length: length, needed: span, detail: detail)
        }
        guard length >= span else {
            throw .seriesTooShort(series: series, length: length, needed: span, detail: detail)
        }
        self.starts = Array(Swift.stride(from: 0, through: length - span, by: stride))
    }

    init(shape: Shape, starts: [Int]) {
        self.shape = shape
        self.starts = starts
    }

    /// The number of samples.
    public var count: Int { starts.count }

    /// The validation samples of `samples` (the last ones, in time order) for every trainer:
    /// `round(fraction * samples)` (halves to even, as Python's `round`), at least 1 and at
    /// most `samples - 1`; 0 below two samples.
    public static func validationCount(samples: Int, fraction: Double) -> Int {
        guard samples >= 2 else { return 0 }
        return min(max(Int((fraction * Double(samples)).rounded(.toNearestOrEven)), 1), samples - 1)
    }

    /// Time-ordered split by the trainers' rule (`validationCount`): the last
    /// `round(fraction * count)` samples, at least one and at most `count - 1`, validate,
    /// the rest train.
    public func split(validationFraction fraction: Double) -> (train: Windows, validation: Windows) {
        let n = Self.validationCount(samples: count, fraction: fraction)
        return (Windows(shape: shape, starts: Array(starts[..<(count - n)])),
                Windows(shape: shape, starts: Array(starts[(count - n)...])))
    }

    /// Sample indices grouped into batches of `size` (the last may be smaller), in a random
    /// order drawn from `generator` (Fisher-Yates, so the order depends only on the seed).
    public func shuffledBatches(size: Int, using generator: inout some RandomNumberGenerator) -> [[Int]] {
        Self.chunks(shuffledIndices(count, using: &generator), size)
    }

    /// Sample indices in time order, grouped into batches of `size`.
    public func orderedBatches(size: Int) -> [[Int]] { Self.chunks(Array(0..<count), size) }

    static func chunks(_ order: [Int], _ size: Int) -> [[Int]] {
        precondition(size >= 1, "Windows: batch size must be at least 1")
        return stride(from: 0, to: order.count, by: size).map { Array(order[$0..<min($0 + size, order.count)]) }
    }

    /// One batch as Float arrays: `x` is [B, inputLength, F] from `features` ([rows, F],
    /// row-major), `y` is [B, targetLength] from `target` ([rows]).
    public func batch(_ samples: [Int], features: [Float], featureCount: Int, target: [Float]) -> Batch {
        let l = inputLength, f = featureCount
        var x = [Float](repeating: 0, count: samples.count * l * f)
        var y = [Float](repeating: 0, count: samples.count * targetLength)
        let offset = switch shape {
        case .manyToOne: l
        case .manyToMany: 1
        }
        for (b, sample) in samples.enumerated() {
            let s = starts[sample]
            for i in 0..<(l * f) { x[b * l * f + i] = features[s * f + i] }
            for i in 0..<targetLength { y[b * targetLength + i] = target[s + offset + i] }
        }
        return Batch(x: x, y: y, batchSize: samples.count, steps: l, features: f, targetLength: targetLength)
    }
}

/// Input and target tensors of one batch, row-major Float32.
public struct Batch: Sendable, Equatable {
    /// [batchSize, steps, features]
    public var x: [Float]
    /// [batchSize, targetLength]
    public var y: [Float]
    public var batchSize: Int
    public var steps: Int
    public var features: Int
    public var targetLength: Int
}
