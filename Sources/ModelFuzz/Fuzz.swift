import Forecasting

/// libFuzzer entry point for the model-file reader: any bytes must give a model file or
/// an error, never a crash; a model file read must forecast from its saved state (as
/// `update` does) or refuse with an error. Seeds: small model files of every mode in
/// `Fuzz/model-seeds` (`make fuzz` makes them).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    do {
        let file = try ModelFile.decode(bytes, name: "fuzz.safetensors")
        // As `predict --model` and `update` use it: a global model through one of its series.
        var forecaster = try file.forecaster.seriesNames.first.map(file.forecaster.forecaster(forSeries:)) ?? file.forecaster
        _ = try forecaster.predict(horizon: forecaster.configuration.horizon)
        try forecaster.update(with: [1, 2], timestamps: nil)
        _ = try forecaster.predict(horizon: forecaster.configuration.horizon)
    } catch {
        _ = "\(error)"
    }
    return 0
}
