/// One bit per row: set where the value is missing.
public struct MissingMask: Hashable, Sendable {
    private var words: [UInt64] = []
    /// The number of rows covered.
    public private(set) var count = 0
    /// The number of set bits.
    public private(set) var missingCount = 0

    /// An empty mask.
    public init() {}

    /// A mask of `count` rows, missing where `isMissing` says so.
    public init(count: Int, isMissing: (Int) -> Bool) {
        for i in 0..<count { append(isMissing(i)) }
    }

    /// Adds one row.
    public mutating func append(_ missing: Bool) {
        if count & 63 == 0 { words.append(0) }
        if missing {
            words[count >> 6] |= 1 << UInt64(count & 63)
            missingCount += 1
        }
        count += 1
    }

    public subscript(row: Int) -> Bool {
        precondition(row >= 0 && row < count, "MissingMask: row \(row) out of 0..<\(count)")
        return words[row >> 6] & (1 << UInt64(row & 63)) != 0
    }

    /// The rows `rows` of this mask, in that order.
    public func selecting(_ rows: some Sequence<Int>) -> MissingMask {
        var result = MissingMask()
        for row in rows { result.append(self[row]) }
        return result
    }
}
