import Forecasting

/// One of `count` parts of a backtest's work, for runs split across processes or machines
/// (a Slurm job array, a Kubernetes Indexed Job: `index` counts from 0 as
/// `SLURM_ARRAY_TASK_ID` and `JOB_COMPLETION_INDEX` do). The split depends only on the run:
/// per-series models go by a stable hash of the series name, walk-forward work by its
/// chains of refits (each origin of a cold run; each warm chain), round robin. Every piece
/// of work belongs to exactly one shard, and every fit is deterministic, so the shards
/// together compute what one process computes.
public struct Shard: Sendable, Hashable, CustomStringConvertible {
    /// 0 ..< count.
    public let index: Int
    public let count: Int

    /// The whole run: one shard.
    public static let whole = Shard(index: 0, count: 1)!  // 0 < 1: the initializer accepts it

    /// Shard `index` of `count`; nil unless 0 <= index < count.
    public init?(index: Int, count: Int) {
        guard count >= 1, (0..<count).contains(index) else { return nil }
        self.index = index
        self.count = count
    }

    /// `I/N` as on the command line (`--shard 2/4`); nil for any other text or range.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else { return nil }
        self.init(index: index, count: count)
    }

    public var description: String { "\(index)/\(count)" }

    /// Whether this shard runs unit `unit` (0-based: a chain of refits) of a run: round robin,
    /// so shards of a walk-forward run get early (short) and late (long) origins alike.
    public func owns(unit: Int) -> Bool { unit % count == index }

    /// The chains of a run that this shard owns, in order.
    public func chains<Chain>(_ all: [Chain]) -> [Chain] {
        all.enumerated().filter { owns(unit: $0.offset) }.map(\.element)
    }

    /// Whether this shard runs the series named `name`: FNV-1a of the name's UTF-8 bytes,
    /// modulo the shard count (the same on every machine and run, whatever the series order).
    public func owns(series name: String) -> Bool { Shard.hash(name) % UInt64(count) == UInt64(index) }

    /// The stable hash of a series name that assigns it to a shard.
    public static func hash(_ name: String) -> UInt64 {
        var hash = FNV1a()
        for byte in name.utf8 { hash.combine(byte) }
        return hash.value
    }
}
