/// Why a store could not be opened, read or written. Each case names the store's path.
public enum StorageError: Error, CustomStringConvertible, Sendable, Equatable {
    /// There is no store at the path (reading, or resuming).
    case missing(path: String)
    /// The path is a directory, device or other non-regular file.
    case notAFile(path: String, kind: String)
    /// The file is not a store of this tool: not SQLite, damaged, another program's database,
    /// or a newer schema. Such a file is left unchanged.
    case notAStore(path: String, reason: String)
    /// Writing failed: a missing or read-only directory, a read-only file, a full disk, an I/O error.
    case cannotWrite(path: String, reason: String)
    /// The store holds a run with this UUID already (a shard started twice into one store).
    case duplicateRun(path: String, uuid: String, run: Int64)

    public var path: String {
        switch self {
        case .missing(let path), .notAFile(let path, _), .notAStore(let path, _), .cannotWrite(let path, _),
             .duplicateRun(let path, _, _): path
        }
    }

    public var description: String {
        switch self {
        case .missing(let path): "\(path): no such store"
        case .notAFile(let path, let kind): "\(path): is a \(kind), not a store (a store is a SQLite file)"
        case .notAStore(let path, let reason): "\(path): not a store of this tool: \(reason)"
        case .cannotWrite(let path, let reason): "\(path): cannot write the store: \(reason)"
        case .duplicateRun(let path, let uuid, let run):
            "\(path): run \(run) is this run already (uuid \(uuid)); finish it with `forecast backtest --resume \(run) --db \(path)`"
        }
    }
}
