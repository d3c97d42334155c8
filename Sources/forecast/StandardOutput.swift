// `stdout` is a C global that Swift 6 cannot prove safe to share; the tool reads it on
// its main thread only, after the command has run.
@preconcurrency import Glibc

/// The end of every successful command: results printed to a full disk or `/dev/full`
/// are exit 73, not lost with exit 0. (A closed pipe still ends the process by SIGPIPE,
/// as `forecast query ... | head` expects.)
enum StandardOutput {
    /// Flushes standard output and checks that everything printed was written.
    static func finish() throws {
        errno = 0
        let flushed = fflush(stdout) == 0
        let reason = errno == 0 ? "an earlier write failed" : String(cString: strerror(errno))
        if !flushed || ferror(stdout) != 0 {
            throw CommandError(message: "standard output: cannot write the results: \(reason)", code: ExitStatus.cantCreate)
        }
    }
}
