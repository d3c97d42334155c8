import Foundation
import TimeSeries

extension Timestamp {
    /// The current time as the store and model files record it: ISO-8601 UTC, microseconds.
    static func nowUTC() -> String { Timestamp(microseconds: Int64(Date().timeIntervalSince1970 * 1e6)).formatted(.utc) }
}
