/// Names the generated C++ must not declare itself.
///
/// A model or layer name becomes a function, a typedef, a struct, an array,
/// a local variable, a macro (`N_IN_x`, include guards) and a file name of
/// the HLS project. Each would break the build (or, worse, change its
/// meaning) if it were a keyword, a macro, or a name the included headers
/// already declare. ``HLSNames`` claims every identifier it hands out
/// against these lists and adds a suffix (`int` -> `int_2`) when it is taken.
///
/// Where the lists come from:
/// - ``keywords``: ISO C++20 [lex.key] (table 5) and the alternative tokens
///   of [lex.digraph]; the identifiers with a special meaning ([lex.name]:
///   `final`, `override`, `import`, `module`); words that g++ in GNU modes or
///   its technical-specification options make keywords (`typeof`,
///   transactional memory, reflection), and C's `restrict`.
/// - ``macros`` and ``globalNames``: what the generated files see through the
///   headers they include (`<chrono> <cstdio> <cstdlib> <fstream>
///   <iostream> <sstream> <string> <vector>`, `ap_fixed.h`, `ap_int.h` and
///   our `nnet_utils/`), read from g++ 12 / libstdc++ 12 / glibc 2.36 on
///   Linux: every macro left defined (`g++ -dM -E`) and every name at global
///   scope that a global `typedef` of the same name conflicts with. Names
///   that begin with `_` or contain `__` are left out: they belong to the
///   implementation, and ``HLSNames/identifier(_:)`` never produces them.
///   Families are written as rules (the `<math.h>` functions with their
///   `f`/`l`/`fN`/`fNx` variants, the `<ctype.h>` classes) or as prefixes
///   (`pthread_` and `PTHREAD_`, which POSIX reserves for `<pthread.h>`;
///   `ap_` and `AP_`, which the ap_types headers use throughout).
///   `HLSTests/ReservedNameTests` checks the lists against the installed
///   headers, so a new platform that declares more names fails a test.
/// - ``projectLocalNames``, ``projectGlobalNames``: what our own templates
///   and layer library define.
enum CPPReservedWords {
    /// Where a generated name is declared.
    enum Scope {
        /// Inside a function (ports, local arrays): keywords and macros
        /// matter; a global name is merely shadowed.
        case local
        /// At namespace scope (the top function, typedefs, structs, arrays,
        /// macros): no name the headers declare may be reused.
        case global
    }

    /// Whether `name` may not be declared at `scope`.
    static func isReserved(_ name: String, at scope: Scope) -> Bool {
        if keywords.contains(name) || macros.contains(name) || projectLocalNames.contains(name) { return true }
        if isStandardMacroPattern(name) || hasReservedPrefix(name, at: scope) { return true }
        return scope == .global && (globalNames.contains(name) || projectGlobalNames.contains(name))
    }

    /// Whether `name` begins with a prefix a library keeps for itself: no
    /// suffix makes such a name free, only a different beginning.
    static func hasReservedPrefix(_ name: String, at scope: Scope) -> Bool {
        ["ap_", "AP_", "PTHREAD_"].contains(where: name.hasPrefix) || (scope == .global && name.hasPrefix("pthread_"))
    }

    /// Every listed name (the rules' patterns aside).
    static var all: Set<String> {
        keywords.union(macros).union(globalNames).union(projectLocalNames).union(projectGlobalNames)
    }

    /// `<stdint.h>` reserves every macro name that begins with `INT` or
    /// `UINT` and ends with `_MAX`, `_MIN`, `_C` or `_WIDTH` (C17 7.31.10).
    static func isStandardMacroPattern(_ name: String) -> Bool {
        guard name.hasPrefix("INT") || name.hasPrefix("UINT") else { return false }
        return ["_MAX", "_MIN", "_C", "_WIDTH"].contains { name.hasSuffix($0) }
    }

    static let keywords: Set<String> = words("""
        alignas alignof asm auto bool break case catch char char8_t char16_t char32_t class concept const
        consteval constexpr constinit const_cast continue co_await co_return co_yield decltype default delete
        do double dynamic_cast else enum explicit export extern false float for friend goto if inline int long
        mutable namespace new noexcept nullptr operator private protected public register reinterpret_cast
        requires return short signed sizeof static static_assert static_cast struct switch template this
        thread_local throw true try typedef typeid typename union unsigned using virtual void volatile wchar_t
        while
        and and_eq bitand bitor compl not not_eq or or_eq xor xor_eq
        final override import module
        typeof restrict atomic_cancel atomic_commit atomic_noexcept synchronized transaction_safe
        transaction_safe_dynamic reflexpr
        """)

    /// Macros still defined after the project's includes. A macro of the
    /// same name as a generated identifier rewrites it wherever it appears.
    static let macros: Set<String> = words("""
        NULL offsetof alloca assert assert_perror errno linux unix
        BUFSIZ EOF FILENAME_MAX FOPEN_MAX L_ctermid L_cuserid L_tmpnam P_tmpdir TMP_MAX RENAME_EXCHANGE
        RENAME_NOREPLACE RENAME_WHITEOUT SEEK_CUR SEEK_DATA SEEK_END SEEK_HOLE SEEK_SET stderr stdin stdout
        EXIT_FAILURE EXIT_SUCCESS MB_CUR_MAX RAND_MAX WCONTINUED WEXITED WNOHANG WNOWAIT WSTOPPED WUNTRACED
        WEXITSTATUS WIFCONTINUED WIFEXITED WIFSIGNALED WIFSTOPPED WSTOPSIG WTERMSIG strdupa strndupa
        FE_ALL_EXCEPT FE_DFL_ENV FE_DFL_MODE FE_DIVBYZERO FE_DOWNWARD FE_INEXACT FE_INVALID FE_NOMASK_ENV
        FE_OVERFLOW FE_TONEAREST FE_TOWARDZERO FE_UNDERFLOW FE_UPWARD
        FP_ILOGB0 FP_ILOGBNAN FP_INFINITE FP_INT_DOWNWARD FP_INT_TONEAREST FP_INT_TONEARESTFROMZERO
        FP_INT_TOWARDZERO FP_INT_UPWARD FP_LLOGB0 FP_LLOGBNAN FP_NAN FP_NORMAL FP_SUBNORMAL FP_ZERO HUGE_VAL
        HUGE_VALF HUGE_VALL HUGE_VAL_F128 HUGE_VAL_F32 HUGE_VAL_F32X HUGE_VAL_F64 HUGE_VAL_F64X INFINITY
        MATH_ERREXCEPT MATH_ERRNO MAXFLOAT NAN SNAN SNANF SNANF128 SNANF32 SNANF32X SNANF64 SNANF64X SNANL
        issubnormal math_errhandling
        PTRDIFF_MAX PTRDIFF_MIN PTRDIFF_WIDTH SIG_ATOMIC_MAX SIG_ATOMIC_MIN SIG_ATOMIC_WIDTH SIZE_MAX
        SIZE_WIDTH WCHAR_MAX WCHAR_MIN WCHAR_WIDTH WINT_MAX WINT_MIN WINT_WIDTH WEOF
        CLOCKS_PER_SEC CLOCK_BOOTTIME CLOCK_BOOTTIME_ALARM CLOCK_MONOTONIC CLOCK_MONOTONIC_COARSE
        CLOCK_MONOTONIC_RAW CLOCK_PROCESS_CPUTIME_ID CLOCK_REALTIME CLOCK_REALTIME_ALARM CLOCK_REALTIME_COARSE
        CLOCK_TAI CLOCK_THREAD_CPUTIME_ID TIMER_ABSTIME TIME_UTC
        LC_ADDRESS LC_ADDRESS_MASK LC_ALL LC_ALL_MASK LC_COLLATE LC_COLLATE_MASK LC_CTYPE LC_CTYPE_MASK
        LC_GLOBAL_LOCALE LC_IDENTIFICATION LC_IDENTIFICATION_MASK LC_MEASUREMENT LC_MEASUREMENT_MASK
        LC_MESSAGES LC_MESSAGES_MASK LC_MONETARY LC_MONETARY_MASK LC_NAME LC_NAME_MASK LC_NUMERIC
        LC_NUMERIC_MASK LC_PAPER LC_PAPER_MASK LC_TELEPHONE LC_TELEPHONE_MASK LC_TIME LC_TIME_MASK
        ATOMIC_FLAG_INIT ATOMIC_VAR_INIT ATOMIC_BOOL_LOCK_FREE ATOMIC_CHAR16_T_LOCK_FREE
        ATOMIC_CHAR32_T_LOCK_FREE ATOMIC_CHAR_LOCK_FREE ATOMIC_INT_LOCK_FREE ATOMIC_LLONG_LOCK_FREE
        ATOMIC_LONG_LOCK_FREE ATOMIC_POINTER_LOCK_FREE ATOMIC_SHORT_LOCK_FREE ATOMIC_WCHAR_T_LOCK_FREE
        BIG_ENDIAN BYTE_ORDER LITTLE_ENDIAN PDP_ENDIAN be16toh be32toh be64toh htobe16 htobe32 htobe64
        htole16 htole32 htole64 le16toh le32toh le64toh
        FD_CLR FD_ISSET FD_SET FD_SETSIZE FD_ZERO NFDBITS
        CPU_ALLOC CPU_ALLOC_SIZE CPU_AND CPU_AND_S CPU_CLR CPU_CLR_S CPU_COUNT CPU_COUNT_S CPU_EQUAL
        CPU_EQUAL_S CPU_FREE CPU_ISSET CPU_ISSET_S CPU_OR CPU_OR_S CPU_SET CPU_SETSIZE CPU_SET_S CPU_XOR
        CPU_XOR_S CPU_ZERO CPU_ZERO_S sched_priority
        CLONE_CHILD_CLEARTID CLONE_CHILD_SETTID CLONE_DETACHED CLONE_FILES CLONE_FS CLONE_IO CLONE_NEWCGROUP
        CLONE_NEWIPC CLONE_NEWNET CLONE_NEWNS CLONE_NEWPID CLONE_NEWTIME CLONE_NEWUSER CLONE_NEWUTS
        CLONE_PARENT CLONE_PARENT_SETTID CLONE_PIDFD CLONE_PTRACE CLONE_SETTLS CLONE_SIGHAND CLONE_SYSVSEM
        CLONE_THREAD CLONE_UNTRACED CLONE_VFORK CLONE_VM CSIGNAL SCHED_BATCH SCHED_DEADLINE SCHED_FIFO
        SCHED_IDLE SCHED_ISO SCHED_OTHER SCHED_RESET_ON_FORK SCHED_RR
        ADJ_ESTERROR ADJ_FREQUENCY ADJ_MAXERROR ADJ_MICRO ADJ_NANO ADJ_OFFSET ADJ_OFFSET_SINGLESHOT
        ADJ_OFFSET_SS_READ ADJ_SETOFFSET ADJ_STATUS ADJ_TAI ADJ_TICK ADJ_TIMECONST MOD_CLKA MOD_CLKB
        MOD_ESTERROR MOD_FREQUENCY MOD_MAXERROR MOD_MICRO MOD_NANO MOD_OFFSET MOD_STATUS MOD_TAI
        MOD_TIMECONST STA_CLK STA_CLOCKERR STA_DEL STA_FLL STA_FREQHOLD STA_INS STA_MODE STA_NANO STA_PLL
        STA_PPSERROR STA_PPSFREQ STA_PPSJITTER STA_PPSSIGNAL STA_PPSTIME STA_PPSWANDER STA_RONLY STA_UNSYNC
        pthread_cleanup_pop pthread_cleanup_pop_restore_np pthread_cleanup_push pthread_cleanup_push_defer_np
        E2BIG EACCES EADDRINUSE EADDRNOTAVAIL EADV EAFNOSUPPORT EAGAIN EALREADY EBADE EBADF EBADFD EBADMSG
        EBADR EBADRQC EBADSLT EBFONT EBUSY ECANCELED ECHILD ECHRNG ECOMM ECONNABORTED ECONNREFUSED ECONNRESET
        EDEADLK EDEADLOCK EDESTADDRREQ EDOM EDOTDOT EDQUOT EEXIST EFAULT EFBIG EHOSTDOWN EHOSTUNREACH
        EHWPOISON EIDRM EILSEQ EINPROGRESS EINTR EINVAL EIO EISCONN EISDIR EISNAM EKEYEXPIRED EKEYREJECTED
        EKEYREVOKED EL2HLT EL2NSYNC EL3HLT EL3RST ELIBACC ELIBBAD ELIBEXEC ELIBMAX ELIBSCN ELNRNG ELOOP
        EMEDIUMTYPE EMFILE EMLINK EMSGSIZE EMULTIHOP ENAMETOOLONG ENAVAIL ENETDOWN ENETRESET ENETUNREACH
        ENFILE ENOANO ENOBUFS ENOCSI ENODATA ENODEV ENOENT ENOEXEC ENOKEY ENOLCK ENOLINK ENOMEDIUM ENOMEM
        ENOMSG ENONET ENOPKG ENOPROTOOPT ENOSPC ENOSR ENOSTR ENOSYS ENOTBLK ENOTCONN ENOTDIR ENOTEMPTY
        ENOTNAM ENOTRECOVERABLE ENOTSOCK ENOTSUP ENOTTY ENOTUNIQ ENXIO EOPNOTSUPP EOVERFLOW EOWNERDEAD EPERM
        EPFNOSUPPORT EPIPE EPROTO EPROTONOSUPPORT EPROTOTYPE ERANGE EREMCHG EREMOTE EREMOTEIO ERESTART
        ERFKILL EROFS ESHUTDOWN ESOCKTNOSUPPORT ESPIPE ESRCH ESRMNT ESTALE ESTRPIPE ETIME ETIMEDOUT
        ETOOMANYREFS ETXTBSY EUCLEAN EUNATCH EUSERS EWOULDBLOCK EXDEV EXFULL
        APFX_IEEE_DOUBLE_E_MAX APFX_IEEE_DOUBLE_E_MIN BIAS BIT_WIDTH_UPPER_LIMIT DOUBLE_BIAS DOUBLE_EXP
        DOUBLE_MAN FLOAT_BIAS FLOAT_EXP FLOAT_MAN HALF_BIAS HALF_EXP HALF_MAN INLINE MAX_MODE DOUBLE_CMP_AF
        OP_ASSIGN_AF OP_BIN_AF OP_CMP_AF AF_REF_REL_OP_WITH_AP_INT AF_REF_REL_OP_WITH_INT ALL_OP_REL_WITH_INT
        ALL_OP_WITH_FLOAT OP_BIN_AP OP_BIN_AP2 OP_BIN_WITH_FLOAT OP_BIN_WITH_PTR CONCAT_SHIFT_WITH_INT
        REF_BIN_OP REF_BIN_OP_WITH_INT LLVM_SUPPORT_MATHEXTRAS_H SC_BIN SC_DEC SC_HEX SC_OCT SC_RND
        SC_RND_CONV SC_RND_INF SC_RND_MIN_INF SC_RND_ZERO SC_SAT SC_SAT_SYM SC_SAT_ZERO SC_TRN SC_TRN_ZERO
        SC_WRAP SC_WRAP_SM
        NNET_COMMON_H_ NNET_ACTIVATION_H_ NNET_BATCHNORM_H_ NNET_DENSE_H_ NNET_MERGE_H_
        """).union(mathConstants)

    /// `<math.h>`'s `M_PI` and friends, in every floating type glibc spells.
    static let mathConstants: Set<String> = {
        let names = words("M_E M_LOG2E M_LOG10E M_LN2 M_LN10 M_PI M_PI_2 M_PI_4 M_1_PI M_2_PI M_2_SQRTPI M_SQRT2 M_SQRT1_2")
        return Set(names.flatMap { n in ["", "l", "f", "f32", "f64", "f128", "f32x", "f64x"].map { n + $0 } })
    }()

    /// Types, functions, objects and namespaces the headers declare at global scope.
    static let globalNames: Set<String> = words("""
        std max_align_t nullptr_t ptrdiff_t size_t ssize_t va_list FILE fpos_t fpos64_t off_t off64_t
        clock_t time_t timer_t tm timespec timeval itimerspec timex sigevent sigset_t locale_t lconv mbstate_t
        wint_t div_t ldiv_t lldiv_t fenv_t fexcept_t femode_t cpu_set_t sched_param fd_mask fd_set
        comparison_fn_t random_data drand48_data obstack cookie_close_function_t cookie_io_functions_t
        cookie_read_function_t cookie_seek_function_t cookie_write_function_t
        int8_t int16_t int32_t int64_t uint8_t uint16_t uint32_t uint64_t int_fast8_t int_fast16_t
        int_fast32_t int_fast64_t uint_fast8_t uint_fast16_t uint_fast32_t uint_fast64_t int_least8_t
        int_least16_t int_least32_t int_least64_t uint_least8_t uint_least16_t uint_least32_t uint_least64_t
        intmax_t uintmax_t intptr_t uintptr_t
        blkcnt64_t blkcnt_t blksize_t caddr_t dev_t fsblkcnt64_t fsblkcnt_t fsfilcnt64_t fsfilcnt_t fsid_t
        gid_t id_t ino64_t ino_t loff_t mode_t nlink_t quad_t register_t suseconds_t u_char u_int u_int16_t
        u_int32_t u_int64_t u_int8_t u_long u_quad_t u_short uid_t uint ulong useconds_t ushort
        asprintf clearerr clearerr_unlocked ctermid cuserid dprintf fclose fcloseall fdopen feof
        feof_unlocked ferror ferror_unlocked fflush fflush_unlocked fgetc fgetc_unlocked fgetpos fgetpos64
        fgets fgets_unlocked fileno fileno_unlocked flockfile fmemopen fopen fopen64 fopencookie fprintf fputc
        fputc_unlocked fputs fputs_unlocked fread fread_unlocked freopen freopen64 fscanf fseek fseeko
        fseeko64 fsetpos fsetpos64 ftell ftello ftello64 ftrylockfile funlockfile fwrite fwrite_unlocked getc
        getc_unlocked getchar getchar_unlocked getdelim getline getw obstack_printf obstack_vprintf
        open_memstream pclose perror popen printf putc putc_unlocked putchar putchar_unlocked puts putw
        remove rename renameat renameat2 rewind scanf setbuf setbuffer setlinebuf setvbuf snprintf sprintf
        sscanf tempnam tmpfile tmpfile64 tmpnam tmpnam_r ungetc vasprintf vdprintf vfprintf vfscanf vprintf
        vscanf vsnprintf vsprintf vsscanf
        a64l abort abs aligned_alloc arc4random arc4random_buf arc4random_uniform at_quick_exit atexit atof
        atoi atol atoll bsearch calloc canonicalize_file_name clearenv div drand48 drand48_r ecvt ecvt_r
        erand48 erand48_r exit fcvt fcvt_r free gcvt getenv getloadavg getpt getsubopt grantpt initstate
        initstate_r jrand48 jrand48_r l64a labs lcong48 lcong48_r ldiv llabs lldiv lrand48 lrand48_r malloc
        mblen mbstowcs mbtowc mkdtemp mkostemp mkostemp64 mkostemps mkostemps64 mkstemp mkstemp64 mkstemps
        mkstemps64 mktemp mrand48 mrand48_r nrand48 nrand48_r on_exit posix_memalign posix_openpt ptsname
        ptsname_r putenv qecvt qecvt_r qfcvt qfcvt_r qgcvt qsort qsort_r quick_exit rand rand_r random
        random_r realloc reallocarray realpath rpmatch secure_getenv seed48 seed48_r setenv setstate
        setstate_r srand srand48 srand48_r srandom srandom_r strfromd strfromf strfromf128 strfromf32
        strfromf32x strfromf64 strfromf64x strfroml strtod strtod_l strtof strtof128 strtof128_l strtof32
        strtof32_l strtof32x strtof32x_l strtof64 strtof64_l strtof64x strtof64x_l strtof_l strtol strtol_l
        strtold strtold_l strtoll strtoll_l strtoq strtoul strtoul_l strtoull strtoull_l strtouq system
        unlockpt unsetenv valloc wcstombs wctomb
        basename explicit_bzero memccpy memchr memcmp memcpy memfrob memmem memmove mempcpy memrchr memset
        rawmemchr sigabbrev_np sigdescr_np stpcpy stpncpy strcasestr strcat strchr strchrnul strcmp strcoll
        strcoll_l strcpy strcspn strdup strerror strerror_l strerror_r strerrordesc_np strerrorname_np strfry
        strlen strncat strncmp strncpy strndup strnlen strpbrk strrchr strsep strsignal strspn strstr strtok
        strtok_r strverscmp strxfrm strxfrm_l bcmp bcopy bzero ffs ffsl ffsll index rindex strcasecmp
        strcasecmp_l strncasecmp strncasecmp_l
        asctime asctime_r clock clock_adjtime clock_getcpuclockid clock_getres clock_gettime clock_nanosleep
        clock_settime ctime ctime_r daylight difftime dysize getdate getdate_err getdate_r gmtime gmtime_r
        localtime localtime_r mktime nanosleep strftime strftime_l strptime strptime_l time timegm timelocal
        timer_create timer_delete timer_getoverrun timer_gettime timer_settime timespec_get timespec_getres
        timezone tzname tzset
        btowc fgetwc fgetwc_unlocked fgetws fgetws_unlocked fputwc fputwc_unlocked fputws fputws_unlocked
        fwide fwprintf fwscanf getwc getwc_unlocked getwchar getwchar_unlocked mbrlen mbrtowc mbsinit
        mbsnrtowcs mbsrtowcs open_wmemstream putwc putwc_unlocked putwchar putwchar_unlocked swprintf swscanf
        ungetwc vfwprintf vfwscanf vswprintf vswscanf vwprintf vwscanf wcpcpy wcpncpy wcrtomb wcscasecmp
        wcscasecmp_l wcscat wcschr wcschrnul wcscmp wcscoll wcscoll_l wcscpy wcscspn wcsdup wcsftime
        wcsftime_l wcslen wcsncasecmp wcsncasecmp_l wcsncat wcsncmp wcsncpy wcsnlen wcsnrtombs wcspbrk wcsrchr
        wcsrtombs wcsspn wcsstr wcstod wcstod_l wcstof wcstof128 wcstof128_l wcstof32 wcstof32_l wcstof32x
        wcstof32x_l wcstof64 wcstof64_l wcstof64x wcstof64x_l wcstof_l wcstok wcstol wcstol_l wcstold
        wcstold_l wcstoll wcstoll_l wcstoq wcstoul wcstoul_l wcstoull wcstoull_l wcstouq wcswcs wcswidth
        wcsxfrm wcsxfrm_l wctob wcwidth wmemchr wmemcmp wmemcpy wmemmove wmempcpy wmemset wprintf wscanf
        feclearexcept fedisableexcept feenableexcept fegetenv fegetexcept fegetexceptflag fegetmode
        fegetround feholdexcept feraiseexcept fesetenv fesetexcept fesetexceptflag fesetmode fesetround
        fetestexcept fetestexceptflag feupdateenv
        duplocale freelocale localeconv newlocale setlocale uselocale
        bind_textdomain_codeset bindtextdomain dcgettext dcngettext dgettext dngettext gettext ngettext
        textdomain program_invocation_name program_invocation_short_name
        clone getcpu sched_getcpu setns unshare pselect select sched_get_priority_max sched_get_priority_min
        sched_getaffinity sched_getparam sched_getscheduler sched_rr_get_interval sched_setaffinity
        sched_setparam sched_setscheduler sched_yield
        AESL_std BaseMode CHAR_IS_SIGNED MAX_INT_BITS MIN_INT_BITS af_bit_ref af_range_ref b_and b_not b_or
        b_xor doubleToRawBits floatToRawBits guess_radix lshift neg print rawBitsToDouble rawBitsToFloat
        reduceToPrecision retval rshift scientificFormat ssdm_int_sim valtype
        """).union(mathFunctions).union(characterFunctions)

    /// `<math.h>`: each function in every floating type (`sin`, `sinf`,
    /// `sinl`, `sinf32`, ... `sinf64x`), the classification macros turned
    /// functions by `<cmath>`, and the narrowing operations (`fadd`,
    /// `f32mulf64`, ...).
    static let mathFunctions: Set<String> = {
        let functions = words("""
            acos acosh asin asinh atan atan2 atanh canonicalize cbrt ceil copysign cos cosh drem erf erfc exp
            exp10 exp2 expm1 fabs fdim finite floor fma fmax fmaximum fmaximum_mag fmaximum_mag_num fmaximum_num
            fmaxmag fmin fminimum fminimum_mag fminimum_mag_num fminimum_num fminmag fmod frexp fromfp fromfpx
            gamma getpayload hypot ilogb isinf isnan j0 j1 jn ldexp lgamma llogb llrint llround log log10 log1p
            log2 logb lrint lround modf nan nearbyint nextafter nextdown nexttoward nextup pow remainder remquo
            rint round roundeven scalb scalbln scalbn setpayload setpayloadsig significand sin sincos sinh sqrt
            tan tanh tgamma totalorder totalordermag trunc ufromfp ufromfpx y0 y1 yn
            """)
        let types = ["", "f", "l", "f32", "f64", "f128", "f32x", "f64x"]
        var all = Set(functions.flatMap { f in types.map { f + $0 } })
        all.formUnion(types.map { "lgamma\($0)_r" })
        all.formUnion(words("""
            fpclassify isfinite isgreater isgreaterequal isless islessequal islessgreater isnormal isunordered
            signbit iscanonical iseqsig issignaling iszero signgam double_t float_t
            """))
        let narrowTo = ["f", "d", "f32", "f32x", "f64", "f64x"], narrowFrom = ["", "l", "f32x", "f64", "f64x", "f128"]
        for to in narrowTo {
            for op in ["add", "sub", "mul", "div", "fma", "sqrt"] { all.formUnion(narrowFrom.map { to + op + $0 }) }
        }
        return all
    }()

    /// `<ctype.h>` and `<wctype.h>`: the character classes, their wide and
    /// locale (`_l`) forms, and the case mappings.
    static let characterFunctions: Set<String> = {
        let classes = words("alnum alpha blank cntrl digit graph lower print punct space upper xdigit")
        var all = Set<String>()
        for c in classes { all.formUnion(["is" + c, "is" + c + "_l", "isw" + c, "isw" + c + "_l"]) }
        all.formUnion(words("""
            isascii isctype toascii tolower tolower_l toupper toupper_l towlower towlower_l towupper towupper_l
            towctrans towctrans_l iswctype iswctype_l wctype wctype_l wctype_t wctrans wctrans_l wctrans_t
            """))
        return all
    }()

    /// Names the generated code uses inside functions, where a local of the
    /// same name would hide them: the namespaces and `main`'s arguments.
    /// (The testbench's own variables have the `tb_` prefix, which
    /// ``HLSNames`` keeps for them.)
    static let projectLocalNames: Set<String> = words("std nnet main argc argv")

    /// Names our layer library (`nnet_utils/`) defines (a top function of
    /// the same name would overload them), and the two config members a
    /// global typedef must not share: a table config declares `index_t`
    /// (its base `nnet::table_config` too) before `typedef <output>_t
    /// table_t;`, where a tensor typedef called `index_t` or `table_t` would
    /// then name the member, not the tensor's type.
    static let projectGlobalNames: Set<String> = words("""
        raw_code table_index layer_config linear relu leaky_relu activation activation_config table_activation
        table_config softmax softmax_config normalize batchnorm_config dense_config dense_latency
        dense_resource merge_config add subtract multiply quantize sum copy_into index_t table_t forest forest_config
        """)

    static func words(_ text: String) -> Set<String> {
        Set(text.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init))
    }
}
