import Forecasting
import Foundation

/// A one-line progress bar on stderr (epoch, losses, ETA), drawn only when stderr is a terminal.
enum ProgressBar {
    static var isTerminal: Bool { isatty(STDERR_FILENO) != 0 }

    /// A callback for `RecurrentForecaster.progress`, or nil when stderr is not a terminal.
    static func training() -> (@Sendable (TrainingProgress) -> Void)? {
        guard isTerminal else { return nil }
        let start = Date()
        return { p in
            let done = Double(p.epoch) / Double(max(p.epochs, 1))
            let width = 24
            let filled = Int(done * Double(width))
            let elapsed = Date().timeIntervalSince(start)
            let eta = elapsed / Double(max(p.epoch, 1)) * Double(p.epochs - p.epoch)
            let line = "\r[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
                + "] epoch \(p.epoch)/\(p.epochs) loss \(formatNumber(p.trainingLoss, digits: 4))"
                + " val \(formatNumber(p.validationLoss, digits: 4)) best \(formatNumber(p.bestValidationLoss, digits: 4))"
                + " ETA \(Int(eta.rounded()))s (at most)  "
            FileHandle.standardError.write(Data(line.utf8))
        }
    }

    /// Ends the bar's line.
    static func finish() {
        if isTerminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}

extension ProgressBar {
    /// A callback to call once per completed origin (from any thread), or nil when stderr
    /// is not a terminal: draws origins done, elapsed time and ETA.
    static func origins(total: Int, done: Int) -> (@Sendable () -> Void)? {
        guard isTerminal, total > 0 else { return nil }
        final class Counter: @unchecked Sendable {
            let lock = NSLock()
            var done: Int
            var fresh = 0
            let start = Date()
            init(_ done: Int) { self.done = done }
        }
        let counter = Counter(done)
        return {
            counter.lock.lock()
            defer { counter.lock.unlock() }
            counter.done += 1
            counter.fresh += 1
            let width = 24, share = Double(counter.done) / Double(total)
            let filled = min(width, Int(share * Double(width)))
            let elapsed = Date().timeIntervalSince(counter.start)
            let eta = elapsed / Double(counter.fresh) * Double(total - counter.done)
            let line = "\r[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
                + "] origin \(counter.done)/\(total)  \(Int(elapsed.rounded()))s elapsed, ETA \(Int(eta.rounded()))s  "
            FileHandle.standardError.write(Data(line.utf8))
        }
    }
}
