import ArgumentParser
import Forecasting
import Foundation
import Ingestion
import Neural
import SQLite
import Storage
import TimeSeries
import Files

/// The `forecast` command: subcommands, and the mapping of errors to exit codes.
@main
struct ForecastCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forecast",
        abstract: "Forecast price and sensor series with recurrent neural networks.",
        discussion: """
            Exit codes: 0 ok, 64 bad flags, 65 bad data (the message names file, line and \
            column), 66 input missing, 73 output cannot be written, 1 anything else. The environment \
            variable FORECAST_KERNELS=avx512|avx2|portable forces a kernel path (default: the widest \
            this CPU has); --version names the one in use.
            """,
        version: "\(toolVersion) (kernels \(Activations.instructionSet), OpenBLAS \(Activations.blasCore))",
        subcommands: [Inspect.self, Train.self, Predict.self, Update.self, BacktestCommand.self, Merge.self, Runs.self, Report.self,
                      Query.self, Plot.self, Diagnose.self])

    static func main() {
        if let refused = Activations.kernelRequestError {
            let value = ProcessInfo.processInfo.environment["FORECAST_KERNELS"] ?? ""
            FileHandle.standardError.write(Data("forecast: error: FORECAST_KERNELS=\(value): \(refused)\n".utf8))
            Foundation.exit(ExitStatus.usage)
        }
        do {
            var command = try parseAsRoot(joiningNegativeValues(Array(CommandLine.arguments.dropFirst())))
            try command.run()
            try StandardOutput.finish()
        } catch {
            exit(with: error)
        }
    }

    /// `--horizon -3` as `--horizon=-3`: ArgumentParser takes a value that starts with `-`
    /// for a flag ("Missing value for '--horizon'"); joined, the value reaches the range
    /// check, which names the flag and its range. No flag of this tool looks like a number.
    static func joiningNegativeValues(_ arguments: [String]) -> [String] {
        var out: [String] = []
        var i = 0
        while i < arguments.count {
            let argument = arguments[i]
            if argument == "--" { return out + arguments[i...] }
            if argument.hasPrefix("--"), !argument.contains("="), i + 1 < arguments.count,
               arguments[i + 1].hasPrefix("-"), Double(arguments[i + 1]) != nil {
                out.append(argument + "=" + arguments[i + 1])
                i += 2
            } else {
                out.append(argument)
                i += 1
            }
        }
        return out
    }

    /// Prints one line for `error` on stderr and exits with its documented code.
    static func exit(with error: Error) -> Never {
        let (message, code) = ExitStatus.of(error)
        guard let message else { Self.exit(withError: error) }
        // One line, whatever a name in the message holds.
        FileHandle.standardError.write(Data("forecast: error: \(terminalSafe(message))\n".utf8))
        Foundation.exit(code)
    }
}

/// Exit codes of the command line (sysexits.h values).
enum ExitStatus {
    static let usage: Int32 = 64
    static let dataError: Int32 = 65
    static let noInput: Int32 = 66
    static let cantCreate: Int32 = 73

    /// The message and exit code for errors this tool raises; nil message for
    /// ArgumentParser's own errors (help, validation: 64), which it prints itself.
    static func of(_ error: Error) -> (String?, Int32) {
        switch error {
        case let error as IngestionError: (error.description, error.isMissingInput ? noInput : error.isUsage ? usage : dataError)
        case let error as TimeSeriesError: (error.description, dataError)
        case let error as SQLiteError: (error.description, error.isCannotOpen ? noInput : 1)
        case let error as StorageError:
            switch error {
            case .missing, .notAFile: (error.description, noInput)
            case .notAStore: (error.description, dataError)
            case .cannotWrite: (error.description, cantCreate)
            case .duplicateRun: (error.description, usage)
            }
        case let error as CommandError: (error.message, error.code)
        case let error as FileError: (error.description, cantCreate)
        case let error as ForecastingError:
            switch error {
            case .invalidConfiguration: (error.description, ExitStatus.usage)
            default: (error.description, dataError)
            }
        case let error as NeuralError:
            switch error {
            case .cannotOpen: (error.description, noInput)
            default: (error.description, dataError)
            }
        default: (nil, 1)
        }
    }
}

/// An error of the command itself, with its exit code.
struct CommandError: Error {
    var message: String
    var code: Int32 = ExitStatus.dataError
}
