import ModelIR

/// C++ identifiers for one model's HLS project, unique within the project.
///
/// Tensor names (the IR already makes them identifiers) are reserved first,
/// so that the top function's variables read like the lowered IR; derived
/// names (`fc1_weight_t`, `config_fc1`, ...) then take a numeric suffix in
/// the rare case they would collide.
struct HLSNames {
    private var used: Set<String>
    /// The top function, also the stem of `firmware/<model>.cpp`.
    let function: String
    /// Per tensor: the variable (or port) name in the top function.
    let tensorVariables: [String]

    init(_ model: LoweredModel) {
        var used = Self.reserved
        function = Self.claim(Self.identifier(model.name), in: &used)
        tensorVariables = model.tensors.map { Self.claim(Self.identifier($0.name), in: &used) }
        self.used = used
    }

    /// Whether `name` is free for a tensor. The testbench and the C simulation
    /// harness keep their own variables under the `tb_` prefix.
    static func isReservedPrefix(_ name: String) -> Bool { name.hasPrefix("tb_") }

    /// A fresh name based on `base`.
    mutating func make(_ base: String) -> String { Self.claim(Self.identifier(base), in: &used) }

    private static func claim(_ base: String, in used: inout Set<String>) -> String {
        let base = isReservedPrefix(base) ? "t_" + base : base
        var name = base
        var k = 2
        while used.contains(name) {
            name = "\(base)_\(k)"
            k += 1
        }
        used.insert(name)
        return name
    }

    /// `text` as a C identifier: other characters become `_`, a leading digit
    /// gets a `_` in front, and keywords get a `_` behind.
    static func identifier(_ text: String) -> String {
        var s = String(text.map { ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "_" ? $0 : "_" })
        if s.isEmpty { s = "_" }
        if s.first!.isNumber { s = "_" + s }
        return s
    }

    /// C++ keywords and the names the generated project defines itself.
    static let reserved: Set<String> = [
        "alignas", "alignof", "and", "and_eq", "asm", "auto", "bitand", "bitor", "bool", "break", "case",
        "catch", "char", "char16_t", "char32_t", "class", "compl", "const", "constexpr", "const_cast",
        "continue", "decltype", "default", "delete", "do", "double", "dynamic_cast", "else", "enum",
        "explicit", "export", "extern", "false", "float", "for", "friend", "goto", "if", "inline", "int",
        "long", "mutable", "namespace", "new", "noexcept", "not", "not_eq", "nullptr", "operator", "or",
        "or_eq", "private", "protected", "public", "register", "reinterpret_cast", "return", "short",
        "signed", "sizeof", "static", "static_assert", "static_cast", "struct", "switch", "template",
        "this", "thread_local", "throw", "true", "try", "typedef", "typeid", "typename", "union",
        "unsigned", "using", "virtual", "void", "volatile", "wchar_t", "while", "xor", "xor_eq",
        // Names the libraries and the generated files use.
        "nnet", "std", "main", "argc", "argv", "ap_fixed", "ap_ufixed", "ap_int", "ap_uint",
        // firmware/parameters.h is ours; a model of that name would overwrite it.
        "parameters",
    ]
}
