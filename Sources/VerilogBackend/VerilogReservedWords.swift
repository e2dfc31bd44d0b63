/// Names a generated Verilog module may not have.
///
/// Model and layer names become module names (`<model>` and
/// `<model>_<layer>`) and file names; wires and instances built from them
/// carry a prefix (`t_`, `u_`) that no keyword has. Where the lists come from:
/// - ``keywords``: IEEE 1800-2017 (SystemVerilog) Annex B, every reserved
///   keyword except `PATHPULSE$` (our names hold only `[A-Za-z0-9_]`). It
///   contains the IEEE 1364-2005 (Verilog) keywords, the configuration
///   keywords (`config`, `cell`, `library`, ...) and the later additions
///   (`uwire`, `interconnect`, `nettype`, `implements`, ...).
/// - ``cppKeywords``: ISO C++20 keywords and alternative tokens. Verilator
///   turns modules into C++ classes; it renames clashing names itself, but
///   a module never needs that.
///
/// Compiler directives (`` `define ``, `` `include ``, ...) are not
/// identifiers: a name is never written after a backtick, so `define` is a
/// fine module name. Two tool conventions do constrain names, see
/// ``VerilogNames``: a comment that begins with `verilator` is a Verilator
/// directive, and Verilator's C++ class for a design is `V<top>`.
enum VerilogReservedWords {
    static func isReserved(_ name: String) -> Bool {
        keywords.contains(name) || cppKeywords.contains(name)
    }

    /// Every listed name.
    static var all: Set<String> { keywords.union(cppKeywords) }

    static let keywords: Set<String> = words("""
        accept_on alias always always_comb always_ff always_latch and assert assign assume automatic before
        begin bind bins binsof bit break buf bufif0 bufif1 byte case casex casez cell chandle checker class
        clocking cmos config const constraint context continue cover covergroup coverpoint cross deassign
        default defparam design disable dist do edge else end endcase endchecker endclass endclocking endconfig
        endfunction endgenerate endgroup endinterface endmodule endpackage endprimitive endprogram endproperty
        endspecify endsequence endtable endtask enum event eventually expect export extends extern final
        first_match for force foreach forever fork forkjoin function generate genvar global highz0 highz1 if
        iff ifnone ignore_bins illegal_bins implements implies import incdir include initial inout input inside
        instance int integer interconnect interface intersect join join_any join_none large let liblist library
        local localparam logic longint macromodule matches medium modport module nand negedge nettype new
        nexttime nmos nor noshowcancelled not notif0 notif1 null or output package packed parameter pmos
        posedge primitive priority program property protected pull0 pull1 pulldown pullup pulsestyle_ondetect
        pulsestyle_onevent pure rand randc randcase randsequence rcmos real realtime ref reg reject_on release
        repeat restrict return rnmos rpmos rtran rtranif0 rtranif1 s_always s_eventually s_nexttime s_until
        s_until_with scalared sequence shortint shortreal showcancelled signed small soft solve specify
        specparam static string strong strong0 strong1 struct super supply0 supply1 sync_accept_on
        sync_reject_on table tagged task this throughout time timeprecision timeunit tran tranif0 tranif1 tri
        tri0 tri1 triand trior trireg type typedef union unique unique0 unsigned until until_with untyped use
        uwire var vectored virtual void wait wait_order wand weak weak0 weak1 while wildcard wire with within
        wor xnor xor
        """)

    static let cppKeywords: Set<String> = words("""
        alignas alignof asm auto bool break case catch char char8_t char16_t char32_t class concept const
        consteval constexpr constinit const_cast continue co_await co_return co_yield decltype default delete
        do double dynamic_cast else enum explicit export extern false float for friend goto if inline int long
        mutable namespace new noexcept nullptr operator private protected public register reinterpret_cast
        requires return short signed sizeof static static_assert static_cast struct switch template this
        thread_local throw true try typedef typeid typename union unsigned using virtual void volatile wchar_t
        while and and_eq bitand bitor compl not not_eq or or_eq xor xor_eq
        """)

    static func words(_ text: String) -> Set<String> {
        Set(text.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init))
    }
}
