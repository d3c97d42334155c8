import Foundation
import Testing
import TestSupport
@testable import SQLite

@Suite struct ConnectionTests {
    @Test func insertAndReadBack() throws {
        let db = try Connection(path: ":memory:")
        try db.execute("CREATE TABLE t(a INTEGER, b REAL, c TEXT, d)")
        let insert = try db.prepare("INSERT INTO t VALUES (?, ?, ?, ?)")
        try insert.run([.integer(7), .real(2.5), .text("x"), .null])
        let select = try db.prepare("SELECT a, b, c, d FROM t")
        #expect(try select.step())
        #expect(select.value(at: 0) == .integer(7))
        #expect(select.value(at: 1) == .real(2.5))
        #expect(select.value(at: 2) == .text("x"))
        #expect(select.value(at: 3) == .null)
        #expect(select.columnName(at: 2) == "c")
        #expect(try select.step() == false)
    }

    @Test func transactionRollsBackOnError() throws {
        struct Boom: Error {}
        let db = try Connection(path: ":memory:")
        try db.execute("CREATE TABLE t(a)")
        #expect(throws: Boom.self) {
            try db.transaction {
                try db.execute("INSERT INTO t VALUES (1)")
                throw Boom()
            }
        }
        let count = try db.prepare("SELECT count(*) FROM t")
        _ = try count.step()
        #expect(count.int64(at: 0) == 0)
    }

    @Test func migrationsRunOnceAndSetUserVersion() throws {
        let path = temporaryPath("mig.db")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let migrations = ["CREATE TABLE a(x)", "CREATE TABLE b(y)"]
        do {
            let db = try Connection(path: path)
            try db.migrate(migrations)
            #expect(try db.userVersion == 2)
        }
        let db = try Connection(path: path)
        try db.migrate(migrations)  // already current: nothing runs, no "table exists" error
        #expect(try db.userVersion == 2)
        #expect(throws: SQLiteError.self) { try db.migrate(["CREATE TABLE a(x)"]) }  // newer file than code
    }

    @Test func readOnlyConnectionRefusesWritesAndMissingFiles() throws {
        let path = temporaryPath("ro.db")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Connection(path: path).execute("CREATE TABLE t(a)")
        let db = try Connection(path: path, mode: .readOnly)
        #expect(throws: SQLiteError.self) { try db.execute("INSERT INTO t VALUES (1)") }
        #expect(try db.prepare("SELECT 1").isReadOnly)
        #expect(try db.prepare("DELETE FROM t").isReadOnly == false)
        do {
            _ = try Connection(path: path + ".missing", mode: .readOnly)
            Issue.record("opening a missing file read-only should fail")
        } catch {
            #expect(error.isCannotOpen)
        }
    }

    @Test func errorsCarryCodeMessageAndSQL() throws {
        let db = try Connection(path: ":memory:")
        do {
            _ = try db.prepare("SELEC 1")
            Issue.record("expected a syntax error")
        } catch {
            #expect(error.sql == "SELEC 1")
            #expect(error.description.contains("syntax error"))
        }
    }
}
