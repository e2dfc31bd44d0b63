import ModelIR

/// C++ identifiers for one model's HLS project, unique within the project.
///
/// Tensor names (the IR already makes them identifiers) are reserved first,
/// so that the top function's variables read like the lowered IR; derived
/// names (`fc1_weight_t`, `config_fc1`, ...) then take a numeric suffix in
/// the rare case they would collide. No name is a C++ keyword, a macro or
/// a name the included headers declare (``CPPReservedWords``): such a name
/// also takes a suffix (`int` -> `int_2`, `EOF` -> `EOF_2`), or a prefix
/// when it begins like a library's own names (`ap_x` -> `x_ap_x`).
struct HLSNames {
    private var used: Set<String>
    /// The top function, also the stem of `firmware/<model>.cpp`.
    let function: String
    /// The include guard of `firmware/<model>.h`.
    let headerGuard: String
    /// The include guard of `firmware/parameters.h`.
    let parametersGuard: String
    /// Per tensor: the variable (or port) name in the top function.
    let tensorVariables: [String]

    /// Files of the project beside `firmware/<model>.h` and `.cpp`, by stem.
    /// Compared without case: on macOS `Parameters.h` is `parameters.h`.
    static let firmwareStems: Set<String> = ["parameters"]

    init(_ model: LoweredModel) {
        var used = Set<String>()
        let function = Self.claim(Self.identifier(model.name), .global, in: &used) { Self.firmwareStems.contains($0.lowercased()) }
        self.function = function
        // The guard of <model>.h is defined before the headers are read:
        // it may equal no name they contain (NNET_COMMON_H_ is in the list).
        headerGuard = Self.claimMacro(function.uppercased() + "_H", in: &used)
        parametersGuard = Self.claimMacro(function.uppercased() + "_PARAMETERS_H", in: &used)
        tensorVariables = model.tensors.map { Self.claim(Self.identifier($0.name), .local, in: &used) }
        self.used = used
    }

    /// Whether `name` is free for a tensor. The testbench and the C simulation
    /// harness keep their own variables under the `tb_` prefix.
    static func isReservedPrefix(_ name: String) -> Bool { name.hasPrefix("tb_") }

    /// A fresh name at namespace scope (typedef, struct, array, macro) based on `base`.
    mutating func make(_ base: String) -> String { Self.claim(Self.identifier(base), .global, in: &used) }

    /// A fresh include-guard macro: `base_`, else `base2_`, `base3_`, ...
    mutating func makeGuard(_ base: String) -> String { Self.claimMacro(base, in: &used) }

    private static func claim(_ base: String, _ scope: CPPReservedWords.Scope, in used: inout Set<String>,
                              alsoTaken: (String) -> Bool = { _ in false }) -> String {
        var base = isReservedPrefix(base) ? "t_" + base : base
        if CPPReservedWords.hasReservedPrefix(base, at: scope) { base = "x_" + base }
        // `x_` + `_2` would hold `__`, which C++ reserves.
        let separator = base.hasSuffix("_") ? "" : "_"
        var name = base
        var k = 2
        while used.contains(name) || CPPReservedWords.isReserved(name, at: scope) || alsoTaken(name) {
            name = "\(base)\(separator)\(k)"
            k += 1
        }
        used.insert(name)
        return name
    }

    private static func claimMacro(_ base: String, in used: inout Set<String>) -> String {
        var base = identifier(base)
        if CPPReservedWords.hasReservedPrefix(base, at: .global) { base = "X_" + base }
        var name = base + "_"
        var k = 2
        while used.contains(name) || CPPReservedWords.isReserved(name, at: .global) {
            name = "\(base)\(k)_"
            k += 1
        }
        used.insert(name)
        return name
    }

    /// `text` as a C identifier that the implementation does not reserve:
    /// other characters become `_`, runs of `_` become one (C++ reserves
    /// names containing `__`), and a leading digit or `_` gets an `x` in
    /// front (`_x` is reserved at global scope, `_X` everywhere).
    static func identifier(_ text: String) -> String {
        var s = ""
        for c in text {
            let c: Character = (c.isASCII && (c.isLetter || c.isNumber)) || c == "_" ? c : "_"
            if c == "_" && s.last == "_" { continue }
            s.append(c)
        }
        if s.isEmpty { return "x" }
        if s.first!.isNumber { return "x_" + s }
        if s.first == "_" { return "x" + s }
        return s
    }
}
