// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "forecast",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "forecast", targets: ["forecast"]),
        .library(name: "TimeSeries", targets: ["TimeSeries"]),
        .library(name: "Ingestion", targets: ["Ingestion"]),
        .library(name: "Neural", targets: ["Neural"]),
        .library(name: "Forecasting", targets: ["Forecasting"]),
        .library(name: "Backtesting", targets: ["Backtesting"]),
        .library(name: "Storage", targets: ["Storage"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // System libraries (module maps over Debian's -dev packages).
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", pkgConfig: "sqlite3",
                       providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CCSV", path: "Sources/CCSV",
                       providers: [.apt(["libcsv-dev"])]),
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),

        .target(name: "SQLite", dependencies: ["CSQLite"], exclude: ["README.md"]),
        .target(name: "TimeSeries", exclude: ["README.md"]),
        .target(name: "Ingestion", dependencies: ["CCSV", "SQLite", "TimeSeries"], exclude: ["README.md"]),
        // The recurrent step kernels (per-step products, fused gates, activations) compiled for
        // AVX-512 / AVX2 / baseline and chosen at run time (function target attributes: no
        // unsafe flags, so the package stays usable as a dependency).
        .target(name: "CKernels", exclude: ["README.md"]),
        .target(name: "Files", exclude: ["README.md"]),
        // JSON and the seeded generator: the bottom layer every module may import.
        .target(name: "Support", exclude: ["README.md"]),
        .target(name: "Neural", dependencies: ["CBLAS", "CKernels", "Files", "Support"], exclude: ["README.md"]),
        .target(name: "Forecasting", dependencies: ["Support", "TimeSeries", "Neural"], exclude: ["README.md"]),
        .target(name: "Storage", dependencies: ["SQLite", "Files"], exclude: ["README.md"]),
        .target(name: "Backtesting", dependencies: ["TimeSeries", "Forecasting"], exclude: ["README.md"]),
        .executableTarget(
            name: "forecast",
            dependencies: [
                "Support", "TimeSeries", "Ingestion", "Files", "Neural", "Forecasting", "Storage", "Backtesting", "SQLite",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            exclude: ["README.md"]),

        // Examples the notebooks run (notebooks-md/05 and 06).
        .executableTarget(name: "HelloRNN", dependencies: ["Neural"], path: "Examples/HelloRNN"),
        .executableTarget(name: "LibraryExample", dependencies: ["Ingestion", "Forecasting", "Backtesting"],
                          path: "Examples/LibraryExample"),

        // libFuzzer target: `swift build --product CSVFuzz --sanitize fuzzer --sanitize address`.
        .executableTarget(name: "CSVFuzz", dependencies: ["Ingestion"]),
        // libFuzzer target over model files (safetensors header, metadata, weights, fitted state).
        .executableTarget(name: "ModelFuzz", dependencies: ["Forecasting"]),
        // Release-only throughput benchmarks (`make bench`).
        .executableTarget(name: "ForecastBench", dependencies: ["Ingestion", "Support", "TimeSeries", "Neural",
                                                                "Forecasting", "CKernels", "CBench"],
                          path: "Benchmarks/ForecastBench"),
        // The FMA-peak loop the kernel figures are read against (benchmark only).
        .target(name: "CBench", path: "Benchmarks/CBench"),

        // Temporary files of the tests, removed when the test process exits.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "SQLiteTests", dependencies: ["TestSupport", "SQLite"]),
        .testTarget(name: "StorageTests", dependencies: ["TestSupport", "Storage", "SQLite"]),
        .testTarget(name: "BacktestingTests", dependencies: ["TestSupport", "Backtesting", "Forecasting", "Ingestion", "TimeSeries", "Support"],
                    exclude: ["Fixtures"]),
        .testTarget(name: "TimeSeriesTests", dependencies: ["TimeSeries", "Support"]),
        .testTarget(name: "IngestionTests", dependencies: ["TestSupport", "Ingestion", "TimeSeries", "SQLite", "Support"]),
        .testTarget(name: "NeuralTests", dependencies: ["TestSupport", "Neural", "CKernels", "Support"], exclude: ["Fixtures", "Trajectories"]),
        .testTarget(name: "ForecastingTests", dependencies: ["TestSupport", "Forecasting", "Ingestion", "TimeSeries", "Neural", "Support"]),
        // Resources: a model file written by release 0.1 (before issue 15) and its forecast.
        .testTarget(name: "ForecastCLITests", dependencies: ["TestSupport", "forecast", "Forecasting", "Ingestion"], exclude: ["Resources"]),
    ]
)
