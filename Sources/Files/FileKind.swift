#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a path names, as `stat` (symlinks followed) reports it: the one list of file kinds
/// the tool's writers and openers name in their messages.
public enum FileKind: Sendable, Equatable {
    case regular, directory, characterDevice, blockDevice, fifo, socket, other

    /// The kind of the file with `stat` mode `mode`.
    public init(mode: mode_t) {
        switch mode & S_IFMT {
        case S_IFREG: self = .regular
        case S_IFDIR: self = .directory
        case S_IFCHR: self = .characterDevice
        case S_IFBLK: self = .blockDevice
        case S_IFIFO: self = .fifo
        case S_IFSOCK: self = .socket
        default: self = .other
        }
    }

    /// The kind of what is at `path` (symlinks followed); nil with `errno` set when `stat`
    /// fails (ENOENT: nothing is there).
    public init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        self.init(mode: info.st_mode)
    }

    /// Whether two paths name one existing file (the same device and inode, links followed).
    public static func sameFile(_ a: String, _ b: String) -> Bool {
        var x = stat(), y = stat()
        guard stat(a, &x) == 0, stat(b, &y) == 0 else { return false }
        return x.st_dev == y.st_dev && x.st_ino == y.st_ino
    }

    /// `directory`, `character device`, ... for messages ("is a directory, not a store").
    public var name: String {
        switch self {
        case .regular: "regular file"
        case .directory: "directory"
        case .characterDevice: "character device"
        case .blockDevice: "block device"
        case .fifo: "FIFO"
        case .socket: "socket"
        case .other: "special file"
        }
    }
}

/// A file that cannot be written: the path as given and the system's reason (or ours).
public struct FileError: Error, CustomStringConvertible, Sendable, Equatable {
    public var path: String
    public var reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "\(path): cannot write: \(reason)" }
}
