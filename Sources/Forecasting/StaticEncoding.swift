/// How static covariates (one value per series: a site, a device type, a sector, a capacity)
/// become network inputs, fitted on the series of a panel and kept in the model file: a
/// numeric attribute standardised over the series (mean 0, standard deviation 1), a
/// categorical one as one input per category seen (1 for the series' category, 0 for the
/// others: one-hot, as NeuralForecast's users encode `stat_exog` and Darts' static covariate
/// transformer does). A series whose attribute is missing gets 0 in every input of it.
public struct StaticEncoding: Sendable, Codable, Equatable {
    /// One static covariate and how it is encoded.
    public struct Attribute: Sendable, Codable, Equatable {
        public var name: String
        /// The categories seen in fitting, in order (a categorical attribute); nil for a numeric one.
        public var categories: [String]?
        /// A numeric attribute's mean and standard deviation over the series.
        public var center = 0.0
        public var scale = 1.0
    }

    /// One series' value of an attribute.
    public enum Value: Sendable, Equatable {
        case number(Double)
        case label(String)
        case missing
    }

    public var attributes: [Attribute]

    /// An encoding fitted on `values[series][attribute]` (attributes in the order of
    /// `names`); those in `categorical` are one-hot, the others standardised.
    public init(names: [String], categorical: Set<String>, values: [[Value]]) {
        attributes = names.enumerated().map { k, name in
            if categorical.contains(name) {
                var seen: [String] = []
                for row in values {
                    if case .label(let label) = row[k], !seen.contains(label) { seen.append(label) }
                    if case .number(let number) = row[k] {
                        let label = Self.text(number)
                        if !seen.contains(label) { seen.append(label) }
                    }
                }
                return Attribute(name: name, categories: seen)
            }
            let numbers = values.compactMap { row -> Double? in if case .number(let v) = row[k] { v } else { nil } }
            let mean = numbers.isEmpty ? 0 : numbers.reduce(0, +) / Double(numbers.count)
            let variance = numbers.isEmpty ? 0 : numbers.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(numbers.count)
            let sd = variance.squareRoot()
            return Attribute(name: name, categories: nil, center: mean, scale: sd > 0 && sd.isFinite ? sd : 1)
        }
    }

    /// The network inputs' names: `name` for a number, `name=category` for each category.
    public var featureNames: [String] {
        attributes.flatMap { a in a.categories.map { $0.map { "\(a.name)=\($0)" } } ?? [a.name] }
    }

    /// One series' inputs from its values (in the order of `attributes`). A category not
    /// seen in fitting is an error naming it (the network has no input for it).
    public func encode(_ values: [Value]) throws(ForecastingError) -> [Double] {
        precondition(values.count == attributes.count, "StaticEncoding: one value per attribute")
        var out: [Double] = []
        for (attribute, value) in zip(attributes, values) {
            if let categories = attribute.categories {
                var label: String?
                switch value {
                case .label(let text): label = text
                case .number(let number): label = Self.text(number)
                case .missing: label = nil
                }
                if let label, !categories.contains(label) {
                    throw .incompatibleData(path: attribute.name, reason: "category \"\(label)\" was not among the \(categories.count) the model was fitted on (\(categories.prefix(5).joined(separator: ", "))\(categories.count > 5 ? ", ..." : ""))")
                }
                out += categories.map { $0 == label ? 1 : 0 }
            } else {
                guard case .number(let number) = value else {
                    out.append(0)
                    continue
                }
                out.append((number - attribute.center) / attribute.scale)
            }
        }
        return out
    }

    /// A number as a category's text: `3` for 3.0.
    static func text(_ number: Double) -> String {
        number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
    }
}
