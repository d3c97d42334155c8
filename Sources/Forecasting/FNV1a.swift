/// The 64-bit FNV-1a hash: the fingerprint of a model's data file and of a backtest's
/// data (a resumed run must see the same data). Not cryptographic.
public struct FNV1a: Sendable {
    /// The hash so far.
    public private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    /// An empty hash.
    public init() {}

    /// Mixes in one byte.
    public mutating func combine(_ byte: UInt8) {
        value ^= UInt64(byte)
        value = value &* 0x100_0000_01b3
    }

    /// Mixes in the 8 bytes of `word`, least significant first.
    public mutating func combine(word: UInt64) {
        for shift in stride(from: 0, to: 64, by: 8) { combine(UInt8(truncatingIfNeeded: word >> UInt64(shift))) }
    }
}
