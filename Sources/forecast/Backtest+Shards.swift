import ArgumentParser
import Backtesting
import Forecasting
import Storage
import Support

/// The shards of a backtest (`--shard I/N`): the flag, the run UUID the shards share, what a
/// finished shard prints.
extension BacktestCommand {
    /// The most shards a run may be split into.
    static let maxShards = 100_000

    /// `--shard I/N`, with 0 <= I < N <= `maxShards`.
    static func parseShard(_ text: String) throws -> Shard {
        guard let shard = Shard(text), shard.count <= maxShards else {
            throw ValidationError("--shard takes I/N with 0 <= I < N <= \(maxShards), got \"\(text)\".")
        }
        return shard
    }

    /// The UUID the shards of one run share, so that they agree without talking to each other:
    /// FNV-1a of the run's configuration (flags, plan and data hash; not the directory), shard
    /// count and tool version, as an RFC 9562 version 8 (custom) UUID. The same command on the same data
    /// with as many shards is the same run (its shards' stores merge into one).
    static func runUUID(_ configuration: [(String, JSONValue)], shards: Int) -> String {
        let text = JSONValue.object(configuration.filter { $0.0 != "cwd" }).text + "\u{1}shards \(shards)\u{1}\(toolVersion)"
        var a = FNV1a(), b = FNV1a()
        b.combine(0x5A)  // a second stream, for 128 bits
        for byte in text.utf8 {
            a.combine(byte)
            b.combine(byte)
        }
        var hex = Array((String(a.value, radix: 16).leftPadded(to: 16) + String(b.value, radix: 16).leftPadded(to: 16)).utf8)
        hex[12] = UInt8(ascii: "8")  // version 8
        hex[16] = Array("89ab".utf8)[Int(hex[16] % 4)]  // variant 10
        let digits = String(decoding: hex, as: UTF8.self)
        let groups = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { r in
            String(digits.dropFirst(r.lowerBound).prefix(r.count))
        }
        return groups.joined(separator: "-")
    }

    /// What a finished shard prints: its run, the run's UUID, the shard and the origins it
    /// recorded, with the command that merges the shards.
    static func shardSummary(run: Int64, store: Store, db: String, origins: Int, format: OutputFormat) throws -> String {
        guard let row = try store.run(run), let shard = row.shard else { return "" }
        let rows = [[String(run), row.uuid, String(shard), String(row.shardCount), String(origins)]]
        let table = renderRows(header: ["run", "uuid", "shard", "shards", "origins"], rows: rows, numeric: [0, 2, 3, 4],
                               format: format)
        guard format == .table else { return table }
        let none = origins == 0 ? " (this shard has no work: no chain of refits or series fell to it)" : ""
        return table + "\nshard \(shard)/\(row.shardCount) done\(none); once every shard is: forecast merge --db OUT.db \(db) ..."
    }
}

private extension String {
    /// Zeros before the text up to `width` characters.
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
