/// The points of a spec: the product of its axes (the last axis, in key
/// order, varying fastest), or its explicit list; `fixed` settings join
/// every point.
struct PointExpansion {
    let decoder: SpecDecoder

    /// The most values one axis may list.
    static let maxAxisValues = 10_000

    func points(axes: SpecValue?, list: SpecValue?, fixed: [Setting]) throws(SweepError) -> [PointSettings] {
        var points: [[Setting]]
        switch (axes, list) {
        case (nil, nil): throw decoder.fail("axes", "missing; give axes (a grid) or points (a list)")
        case (.some, .some): throw decoder.fail("points", "give axes (a grid) or points (a list), not both")
        case (let axes?, nil): points = try grid(axes)
        case (nil, let list?): points = try listed(list)
        }
        for i in points.indices {
            for f in fixed {
                if let clash = points[i].first(where: { $0.key == f.key }) {
                    throw decoder.fail(clash.field, "\(f.key) is also set in fixed; set it in one place")
                }
                points[i].append(f)
            }
        }
        var seen: [String: Int] = [:]
        var out: [PointSettings] = []
        for (i, p) in points.enumerated() {
            let point = PointSettings(p)
            let keys = Set(point.settings.map(\.key))
            if keys.contains("clock_ns") && keys.contains("latency_cycles") {
                throw decoder.fail(point.settings.first { $0.key == "latency_cycles" }!.field,
                                   "a point gives clock_ns or latency_cycles, not both: a latency implies the clock")
            }
            if let first = seen[point.canonical] {
                throw decoder.fail(list == nil ? "axes" : "points[\(i)]", "repeats point \(first) (\(point.label))")
            }
            seen[point.canonical] = i
            out.append(point)
        }
        return out
    }

    func grid(_ axes: SpecValue) throws(SweepError) -> [[Setting]] {
        guard case .object(let o) = axes, !o.isEmpty else {
            throw decoder.fail("axes", "must be a non-empty object of setting: [values], not \(axes.kindName == "an object" ? "empty" : axes.kindName)")
        }
        var columns: [[Setting]] = []
        var count = 1
        for key in o.keys.sorted() {
            let field = "axes[\"\(key)\"]"
            guard case .array(let values) = o[key]!, !values.isEmpty else {
                throw decoder.fail(field, "must be a non-empty array of values")
            }
            guard values.count <= Self.maxAxisValues else { throw decoder.fail(field, "lists \(values.count) values, more than \(Self.maxAxisValues)") }
            var column: [Setting] = []
            for (i, v) in values.enumerated() {
                let s = try Setting.parse(key: key, value: v, field: "\(field)[\(i)]", decoder: decoder)
                if let j = column.firstIndex(where: { $0.value.literal == s.value.literal }) {
                    throw decoder.fail("\(field)[\(i)]", "repeats \(field)[\(j)]")
                }
                column.append(s)
            }
            count *= values.count
            guard count <= SweepSpec.maxPoints else {
                throw decoder.fail("axes", "the grid has more than \(SweepSpec.maxPoints) points; split the sweep")
            }
            columns.append(column)
        }
        var points: [[Setting]] = [[]]
        for column in columns {
            points = points.flatMap { p in column.map { p + [$0] } }
        }
        return points
    }

    func listed(_ list: SpecValue) throws(SweepError) -> [[Setting]] {
        guard case .array(let items) = list, !items.isEmpty else { throw decoder.fail("points", "must be a non-empty array of objects") }
        guard items.count <= SweepSpec.maxPoints else { throw decoder.fail("points", "lists more than \(SweepSpec.maxPoints) points") }
        var out: [[Setting]] = []
        for (i, item) in items.enumerated() {
            out.append(try decoder.settingsObject(item, field: "points[\(i)]"))
        }
        return out
    }
}
