#if canImport(Glibc)
import Glibc
private let systemWrite = Glibc.write
#elseif canImport(Darwin)
import Darwin
private let systemWrite = Darwin.write
#endif

/// The one way the tool writes a file (model files, SVG charts): never half a file, never
/// through a planted symlink, never over something that is not a regular file.
///
/// A regular or missing target is written to a temporary file created with `mkstemp` (a
/// random name, `O_EXCL`, so nothing planted there is followed) in the target's directory,
/// flushed with `fsync`, given the existing file's mode (or 0666 less the umask), renamed
/// into place and the directory synced. A symlink is followed to its target first. A
/// character device or FIFO (`/dev/null`, `/dev/stdout`, a pipe) and `-` (standard
/// output) are written in place, never replaced; a directory, socket or block device is
/// refused. A crash mid-write leaves at most a `.NAME.XXXXXX` file beside the target.
public enum SafeFile {
    /// Writes `bytes` to `path` as described above; throws a `FileError` naming the path
    /// and the system's reason.
    public static func write(_ bytes: [UInt8], to path: String) throws(FileError) {
        switch try destination(path) {
        case .standardOutput:
            fflush(nil)  // what was printed before comes first
            try writeAll(bytes, to: STDOUT_FILENO, path: path)
        case .inPlace(let real):
            let descriptor = open(real, O_WRONLY | O_CLOEXEC)
            guard descriptor >= 0 else { throw FileError(path: path, reason: reason(errno)) }
            defer { _ = close(descriptor) }
            try writeAll(bytes, to: descriptor, path: path)
        case .replace(let real, let mode):
            try checkReplaceable(real, reported: path)
            try replace(real, with: bytes, mode: mode, reported: path)
        }
    }

    /// Checks, before any long work, that `write(_:to:)` can write `path`: the target is
    /// missing, a regular file, or written in place, and the directory a replacement goes
    /// to exists and is writable. Throws a `FileError` saying why not. Opens nothing (a
    /// FIFO's reader would see its end).
    public static func checkWritable(_ path: String) throws(FileError) {
        switch try destination(path) {
        case .standardOutput: return
        case .inPlace(let real):
            guard access(real, W_OK) == 0 else { throw FileError(path: path, reason: reason(errno)) }
        case .replace(let real, _):
            try checkReplaceable(real, reported: path)
        }
    }

    /// Throws unless the file at `path` (a regular file or nothing) may be replaced: a file
    /// its owner made read-only is not (`readOnlyReason`), its name must fit the file system
    /// with room for the temporary name beside it, and its directory must be writable.
    private static func checkReplaceable(_ real: String, reported path: String) throws(FileError) {
        if let reason = readOnlyReason(real) { throw FileError(path: path, reason: reason) }
        let name = real.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? real
        let limit = nameLimit(directoryOf(real))
        if name.utf8.count > limit {
            throw FileError(path: path, reason: "the file name is \(name.utf8.count) bytes, longer than the \(limit) this file system allows")
        }
        try checkDirectory(of: real, reported: path)
    }

    /// Why the existing regular file at `path` must not be written, or nil: one the system
    /// will not let this process write, or one with no write permission for anybody (`chmod
    /// 444`: its owner made it read-only, which root, whom the system lets write anything,
    /// respects too). A missing file is nil.
    public static func readOnlyReason(_ path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0, FileKind(mode: info.st_mode) == .regular else { return nil }
        if access(path, W_OK) != 0 { return reason(errno) }
        if info.st_mode & 0o222 == 0 {
            return "the file is read-only (mode \(String(info.st_mode & 0o7777, radix: 8))); make it writable to replace it"
        }
        return nil
    }

    /// The longest file name, in bytes, the file system of `directory` takes (NAME_MAX).
    static func nameLimit(_ directory: String) -> Int {
        let limit = pathconf(directory, Int32(_PC_NAME_MAX))
        return limit > 0 ? limit : 255
    }

    /// Throws unless a file can be created beside `path`: its directory exists, is a
    /// directory, and can be written and searched. `reported` is the path named in the error.
    public static func checkDirectory(of path: String, reported: String) throws(FileError) {
        let directory = directoryOf(path)
        switch FileKind(path: directory) {
        case nil:
            throw FileError(path: reported, reason: errno == ENOENT ? "no such directory \(directory)" : "\(directory): \(reason(errno))")
        case .directory?:
            guard access(directory, W_OK | X_OK) == 0 else { throw FileError(path: reported, reason: "\(directory): \(reason(errno))") }
        case let kind?:
            throw FileError(path: reported, reason: "\(directory) is a \(kind.name), not a directory")
        }
    }

    /// How a path is written.
    private enum Destination {
        case standardOutput
        /// A character device or FIFO, opened and written as it is.
        case inPlace(String)
        /// Replaced by rename: the real path and the mode to give the new file.
        case replace(String, mode: mode_t)
    }

    /// How `path` is written (symlinks followed); throws for what is refused.
    private static func destination(_ path: String) throws(FileError) -> Destination {
        if path == "-" { return .standardOutput }
        guard !path.isEmpty else { throw FileError(path: path, reason: "empty path") }
        let real = resolved(path)
        var info = stat()
        guard stat(real, &info) == 0 else {
            guard errno == ENOENT else { throw FileError(path: path, reason: reason(errno)) }
            let mask = umask(0)
            umask(mask)
            return .replace(real, mode: 0o666 & ~mask)
        }
        switch FileKind(mode: info.st_mode) {
        case .regular: return .replace(real, mode: info.st_mode & 0o7777)
        case .characterDevice, .fifo: return .inPlace(real)
        case .directory: throw FileError(path: path, reason: "is a directory")
        case let kind: throw FileError(path: path, reason: "is a \(kind.name), not a regular file, device or FIFO; refusing to replace it")
        }
    }

    private static func replace(_ real: String, with bytes: [UInt8], mode: mode_t, reported path: String) throws(FileError) {
        let directory = directoryOf(real)
        let name = real.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? real
        // `.NAME.XXXXXX`, the name cut (at a character's start) so that the temporary name
        // fits the file system's limit: a valid long name must not fail after the work.
        let room = nameLimit(directory) - 8
        var stem = name
        while stem.utf8.count > room { stem.removeLast() }
        var template = Array((directory == "/" ? "/" : directory + "/").utf8CString.dropLast()) + Array(".\(stem).XXXXXX".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }  // non-empty: a literal above
        guard descriptor >= 0 else { throw FileError(path: path, reason: reason(errno)) }
        let temporary = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        do throws(FileError) {
            try writeAll(bytes, to: descriptor, path: path)
            guard fchmod(descriptor, mode) == 0, fsync(descriptor) == 0 else { throw FileError(path: path, reason: reason(errno)) }
        } catch {
            _ = close(descriptor)
            unlink(temporary)
            throw error
        }
        guard close(descriptor) == 0 else {
            let error = errno
            unlink(temporary)
            throw FileError(path: path, reason: reason(error))
        }
        guard rename(temporary, real) == 0 else {
            let error = errno
            unlink(temporary)
            throw FileError(path: path, reason: reason(error))
        }
        // The rename itself is durable once the directory is synced (best effort: some
        // file systems refuse fsync on a directory).
        let dir = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dir >= 0 {
            _ = fsync(dir)
            _ = close(dir)
        }
    }

    private static func writeAll(_ bytes: [UInt8], to descriptor: Int32, path: String) throws(FileError) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { systemWrite(descriptor, $0.baseAddress! + offset, bytes.count - offset) }  // count > 0
            if n < 0 {
                if errno == EINTR { continue }
                throw FileError(path: path, reason: reason(errno))
            }
            offset += n
        }
    }

    /// `path` with symlinks followed (the path itself when it is not a symlink or dangles).
    private static func resolved(_ path: String) -> String {
        var info = stat()
        guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFLNK, let real = realpath(path, nil) else { return path }
        defer { free(real) }
        return String(cString: real)
    }

    /// The directory a file at `path` is created in (`.` for a bare name).
    public static func directoryOf(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    private static func reason(_ code: Int32) -> String { String(cString: strerror(code)) }
}
