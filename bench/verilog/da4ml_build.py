"""Build the model hepml-compile compiled in da4ml, and check both compute the same bits.

Bench-only helper for da4ml_compare.sh; runs in the bench venv (da4ml 0.6.0, numpy).

  da4ml_build.py model KIND SRC OUT.json        write a bench model (KIND: logits, copy)
  da4ml_build.py build LOWERED MODEL OUTDIR NAME
      trace the model in da4ml from the weights of MODEL (checked against the codes of
      LOWERED, our lowered.txt) in the op order and types of LOWERED; write the pipelined
      Verilog to OUTDIR (latency_cutoff 5, clock 5 ns) and the traced logic to
      OUTDIR/comb.json; print one JSON line (latency cycles, files, top)
  da4ml_build.py check LOWERED OUTDIR HEPML MODEL EVENTS
      run da4ml's C++ interpreter (comb.predict) and `hepml-compile predict --raw` on
      EVENTS seeded random events; exit 5 and print the first mismatches if any bit differs

  da4ml_build.py report NAME DIR RESULTS
      print the side-by-side table of one model from the files da4ml_compare.sh left in
      DIR, and append it as one JSON line to RESULTS

The arithmetic each lowered op stands for is in docs/numerics.md. Anything this helper
cannot express in da4ml (tables, softmax, accumulators that round products) stops it
with exit code 3 and names the op.
"""

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

# --- fixed-point types -------------------------------------------------------------

TYPE = re.compile(r'ap_(u?)(fixed|int)<([^>]*)>')
ROUND = {'AP_TRN': 'TRN', 'AP_RND': 'RND'}
OVERFLOW = {'AP_WRAP': 'WRAP', 'AP_SAT': 'SAT', 'AP_SAT_SYM': 'SAT_SYM'}


class Unsupported(Exception):
    pass


class FixedType:
    """ap_fixed<W,I,Q,O,N> / ap_ufixed / ap_int / ap_uint as da4ml's (k, i, f) and modes."""

    def __init__(self, text):
        m = TYPE.fullmatch(text.strip())
        if not m:
            raise Unsupported(f'type {text}')
        unsigned, kind, args = m.group(1) == 'u', m.group(2), [a.strip() for a in m.group(3).split(',')]
        width = int(args[0])
        integer = width if kind == 'int' else int(args[1])
        modes = args[1:] if kind == 'int' else args[2:]
        q = modes[0] if len(modes) > 0 else 'AP_TRN'
        o = modes[1] if len(modes) > 1 else 'AP_WRAP'
        n = int(modes[2]) if len(modes) > 2 else 0
        q, o = q if q.startswith('AP_') else 'AP_' + q, o if o.startswith('AP_') else 'AP_' + o
        if q not in ROUND or o not in OVERFLOW or n != 0:
            raise Unsupported(f'{text}: da4ml rounds with TRN/RND and overflows with WRAP/SAT/SAT_SYM only')
        self.text = text
        self.k = 0 if unsigned else 1
        self.i = integer - self.k  # da4ml counts the sign bit apart
        self.f = width - integer
        self.round, self.overflow = ROUND[q], OVERFLOW[o]

    def quantize(self, x):
        from da4ml.trace.ops import quantize

        return quantize(x, self.k, self.i, self.f, self.overflow, self.round)

    def values(self, codes):
        return np.asarray(codes, dtype=np.float64) * 2.0**-self.f

    def codes(self, values):
        """Assign real values to this type in numpy: round with Q, then overflow with O."""
        scaled = np.asarray(values, dtype=np.float64) * 2.0**self.f
        codes = np.floor(scaled + 0.5 if self.round == 'RND' else scaled).astype(np.int64)
        low, high = self.code_range()
        if self.overflow == 'WRAP':
            return (codes - low) % (high - low + 1) + low
        return np.clip(codes, -high if self.overflow == 'SAT_SYM' and self.k else low, high)

    def code_range(self):
        width = self.k + self.i + self.f
        return (-(2 ** (width - 1)), 2 ** (width - 1) - 1) if self.k else (0, 2**width - 1)


# --- lowered.txt ---------------------------------------------------------------------


def read_lowered(path):
    """Tensors, inputs, ops and outputs of our lowered IR text (Sources/ModelIR/LoweredPrinter.swift)."""
    tensors, inputs, outputs, ops = {}, [], [], []
    for line in Path(path).read_text().splitlines():
        words = line.split()
        if not words:
            continue
        if line.startswith('tensor '):
            tensors[words[1]] = {'name': words[2], 'size': int(words[3]), 'type': FixedType(words[4])}
        elif line.startswith('input '):
            inputs.append(words[1])
        elif line.startswith('output '):
            outputs.append(words[1])
        elif line.startswith('op '):
            ops.append({'name': words[1], 'kind': words[2], 'inputs': words[3].split(','), 'output': words[5], 'rows': [],
                        'from': words[7].split(',') if len(words) > 7 else [words[1]]})
        elif words[0] == 'types':
            fields = dict(zip(words[1::2], words[2::2]))
            ops[-1].update({key: fields[key] for key in ('weight', 'bias', 'acc', 'pre', 'act')})
        elif words[0] == 'act':
            ops[-1]['act'] = words[1]
        elif words[0] == 'bias':
            ops[-1]['bias_codes'] = [int(v) for v in words[1:]]
        elif words[0] == 'weights':
            ops[-1]['weight_codes'] = [int(v) for v in words[1:]]
        elif words[0] == 'row':
            ops[-1]['rows'].append({int(a): int(b) for a, b in (w.split(':') for w in words[1:])})
        elif words[0] == 'group':
            ops[-1].setdefault('groups', []).append([int(v) for v in words[1:]])
        elif words[0] == 'indices':
            ops[-1]['indices'] = [int(v) for v in words[1:]]
    return tensors, inputs, ops, outputs


def dense_codes(op, n_in, layers):
    """The weight (n_in x units) and bias codes of a dense op: from the model JSON (quantized
    here with the weight and bias types) and checked against the codes of lowered.txt, unless
    a batchnorm was folded into it (then lowered.txt's codes)."""
    weight_t, bias_t = FixedType(op['weight']), FixedType(op['bias'])
    lowered_w = np.zeros((n_in, len(op['rows'])), dtype=np.int64)
    for j, row in enumerate(op['rows']):
        for i, code in row.items():
            lowered_w[i, j] = code
    lowered_b = np.array(op['bias_codes'], dtype=np.int64)
    layer = layers.get(op['name'], {})
    if layer.get('type') != 'dense' or any(layers.get(n, {}).get('type') == 'batchnorm' for n in op['from']) \
            or len(layer['weights']) != n_in:
        # A folded batchnorm, a convolution, a pool or a per-particle layer (its
        # model.json weights are one position's): the codes of lowered.txt.
        return lowered_w, lowered_b, 'lowered.txt'
    w = weight_t.codes(layer['weights'])
    b = bias_t.codes(layer.get('bias', [0.0] * w.shape[1]))
    if not (np.array_equal(w, lowered_w) and np.array_equal(b, lowered_b)):
        raise Unsupported(f"{op['name']}: model.json weights, quantized here, differ from lowered.txt")
    return w, b, 'model.json'


# --- tracing -------------------------------------------------------------------------


def activation(x, act):
    from da4ml.trace.ops import relu

    if act == 'linear':
        return x
    if act == 'relu':
        return relu(x)
    if act.startswith('leaky_relu:'):
        _, code, alpha_type = act.split(':', 2)
        alpha = float(FixedType(alpha_type).values(int(code)))
        return np.where(x >= 0, x, x * alpha)
    raise Unsupported(f'activation {act}')


def trace(lowered_path, model_path):
    """The da4ml CombLogic of the lowered model, and how its weights were sourced."""
    from da4ml.trace import FixedVariableArrayInput, comb_trace

    tensors, inputs, ops, outputs = read_lowered(lowered_path)
    layers = {layer['name']: layer for layer in json.loads(Path(model_path).read_text())['layers']}
    if len(inputs) != 1:
        raise Unsupported('models with one input tensor only')
    source = tensors[inputs[0]]
    inp = FixedVariableArrayInput((source['size'],))
    t = source['type']  # events arrive as codes of this type: declare it, no logic
    values = {inputs[0]: inp.quantize(t.k, t.i, t.f)}
    sources = {}
    for op in ops:
        out_t, args = tensors[op['output']]['type'], [values[i] for i in op['inputs']]
        kind = op['kind']
        if kind == 'dense':
            w, b, sources[op['name']] = dense_codes(op, tensors[op['inputs'][0]]['size'], layers)
            acc_t = FixedType(op['acc'])
            x_f = tensors[op['inputs'][0]]['type'].f
            if acc_t.f < FixedType(op['weight']).f + x_f or acc_t.f < FixedType(op['bias']).f:
                raise Unsupported(f"{op['name']}: accumulator {acc_t.text} rounds products")
            y = acc_t.quantize(args[0] @ FixedType(op['weight']).values(w) + FixedType(op['bias']).values(b))
            if op['pre'] != '-':
                y = FixedType(op['pre']).quantize(y)
            y = activation(y, op['act'])
        elif kind == 'scale':
            # One weight and bias per element (an unfolded batchnorm): codes from lowered.txt.
            w, b = np.array(op['weight_codes'], dtype=np.int64), np.array(op['bias_codes'], dtype=np.int64)
            sources[op['name']] = 'lowered.txt'
            acc_t = FixedType(op['acc'])
            y = acc_t.quantize(args[0] * FixedType(op['weight']).values(w) + FixedType(op['bias']).values(b))
            if op['pre'] != '-':
                y = FixedType(op['pre']).quantize(y)
            y = activation(y, op['act'])
        elif kind == 'activation':
            y = activation(args[0], op['act'])
        elif kind in ('add', 'subtract', 'multiply'):
            a, c = args
            y = a + c if kind == 'add' else a - c if kind == 'subtract' else a * c
        elif kind == 'sum':
            y = np.sum(args[0], axis=0, keepdims=True)
        elif kind == 'concatenate':
            y = np.concatenate(args)
        elif kind == 'quantize':
            y = args[0]
        elif kind == 'maximum':
            y = np.concatenate([np.max(args[0][np.array(g)], keepdims=True) for g in op['groups']])
        elif kind == 'gather':
            y = args[0][np.array(op['indices'])]
        else:
            raise Unsupported(f"op {op['name']}: {kind} (tables and softmax are not traced here)")
        values[op['output']] = out_t.quantize(y)
    out = np.concatenate([values[o] for o in outputs]) if len(outputs) > 1 else values[outputs[0]]
    return comb_trace(inp, out), sources


# --- commands ------------------------------------------------------------------------


def write_model(kind, src, dst):
    model = json.loads(Path(src).read_text())
    if kind == 'logits':
        # Drop the softmax activations that produce outputs; output what they read.
        layers = model['layers']
        outputs = model.get('outputs', [layers[-1]['name']])
        previous = {layer['name']: (layers[k - 1]['name'] if k else None) for k, layer in enumerate(layers)}
        softmax = {layer['name']: layer.get('input', previous[layer['name']]) for layer in layers
                   if layer.get('activation', layer['type']) == 'softmax' and layer['name'] in outputs}
        model['layers'] = [layer for layer in layers if layer['name'] not in softmax]
        model['outputs'] = [softmax.get(o, o) for o in outputs]
        model['name'] += '_logits'
    Path(dst).write_text(json.dumps(model))


def build(lowered, model, outdir, name):
    from da4ml.codegen import VerilogModel

    comb, sources = trace(lowered, model)
    rtl = VerilogModel(comb, name, outdir, latency_cutoff=5, clock_period=5)
    rtl.write()
    comb.save(Path(outdir) / 'comb.json')
    meta = json.loads((Path(outdir) / 'metadata.json').read_text())
    src = Path(outdir) / 'src'
    files = sorted(str(p) for p in src.glob('*.v'))
    # static/lookup_table.v reads a memory file that exists only for designs with tables.
    has_tables = any((src / 'memfiles').iterdir())
    files += sorted(str(p) for p in (src / 'static').glob('*.v') if has_tables or p.name != 'lookup_table.v')
    print(json.dumps({'top': name, 'latency': meta['latency'], 'estimated_cost': meta['cost'],
                      'reg_bits': meta.get('reg_bits'), 'files': files,
                      'weights_from': sorted(set(sources.values()))}))


def make_events(input_t, n, width, seed=1):
    """Seeded codes of the input type, as real values: a third uniform over its whole range
    (saturates inside the network), a third N(0, 1), a third N(0, range/8)."""
    rng = np.random.default_rng(seed)
    low, high = input_t.code_range()
    third = n // 3
    scale = 2.0**input_t.f
    parts = [
        rng.integers(low, high, size=(third, width), endpoint=True).astype(np.float64),
        np.round(rng.standard_normal((third, width)) * scale),
        np.round(rng.standard_normal((n - 2 * third, width)) * (high - low) / 8),
    ]
    return input_t.values(np.clip(np.concatenate(parts), low, high).astype(np.int64))


def check(lowered, outdir, hepml, model, n):
    from da4ml.types import CombLogic

    tensors, inputs, _, outputs = read_lowered(lowered)
    source = tensors[inputs[0]]
    x = make_events(source['type'], n, source['size'])
    comb = CombLogic.load(Path(outdir) / 'comb.json')
    theirs = comb.predict(x)
    fracs = np.concatenate([[tensors[o]['type'].f] * tensors[o]['size'] for o in outputs])
    their_codes = theirs * 2.0**fracs
    with tempfile.TemporaryDirectory() as tmp:
        np.save(Path(tmp) / 'x.npy', x)
        subprocess.run([hepml, 'predict', model, '--input', f'{tmp}/x.npy', '--output', f'{tmp}/y.npy', '--raw', '--quiet'],
                       check=True, stdout=subprocess.DEVNULL)
        ours = np.load(Path(tmp) / 'y.npy').reshape(n, -1).astype(np.float64)
    bad = np.nonzero(np.any(their_codes != ours, axis=1))[0]
    limits = np.concatenate([[tensors[o]['type'].code_range()] * tensors[o]['size'] for o in outputs])
    saturated = np.mean((ours == limits[:, 0]) | (ours == limits[:, 1]))
    result = {'events': n, 'outputs': int(ours.shape[1]), 'mismatched_events': int(len(bad)),
              'saturated_output_fraction': round(float(saturated), 3)}
    print(json.dumps(result))
    for e in bad[:5]:
        print(f'event {e}: input codes {(x[e] * 2.0**source["type"].f).astype(np.int64).tolist()}', file=sys.stderr)
        print(f'  hepml  {ours[e].astype(np.int64).tolist()}', file=sys.stderr)
        print(f'  da4ml  {their_codes[e].tolist()}', file=sys.stderr)  # not integers if a type differs
    return 5 if len(bad) else 0


def report(name, d, results):
    """The side-by-side table of one model, and its JSON line."""
    d = Path(d)

    def read(file, default=None):
        p = d / file
        return p.read_text().strip() if p.exists() else default

    def seconds(file):  # GNU time -f '%e %U %S %M'
        words = (read(file) or '').split()
        if len(words) < 4 or not all(re.fullmatch(r'[0-9.]+', w) for w in words[-4:]):
            return None, None
        wall, user, system, _ = (float(w) for w in words[-4:])
        return wall, round(user + system, 2)

    def cells(tool):
        status = read(f'{tool}.yosys', 'not run')
        if status != 'ok':
            return {'LUT': status, 'FF': status, 'CARRY': status, 'DSP': status}, status
        count = {'LUT': 0, 'FF': 0, 'CARRY': 0, 'DSP': 0}
        for line in read(f'{tool}.stat').splitlines():
            words = line.split()
            if len(words) == 2 and words[1].isdigit():
                key = ('LUT' if re.fullmatch(r'LUT[1-6](_2)?', words[0]) else 'FF' if re.fullmatch(r'FD[RSCP]E', words[0])
                       else 'CARRY' if words[0] in ('CARRY4', 'CARRY8') else 'DSP' if words[0].startswith('DSP48E') else None)
                if key:
                    count[key] += int(words[1])
        return count, status

    hep_log = read('hepml.log', '')
    m = re.search(r'latency (\d+) cycles', hep_log)
    da = json.loads(read('da4ml.json', '{}') or '{}')
    bits = json.loads(read('check.json', '{}') or '{}')
    row = {'bench': 'verilog-da4ml', 'model': name, 'date': read('../date'), 'commit': read('../commit'),
           'load_average': read('load'), 'family': read('../family', 'xc7'), 'bits': bits, 'hepml': {}, 'da4ml': {}}
    for tool, latency in (('hepml', int(m.group(1)) if m else None), ('da4ml', da.get('latency'))):
        wall, cpu = seconds(f'{tool}.time')
        count, status = cells(tool)
        yosys_wall, yosys_cpu = seconds(f'{tool}.yosys.time')
        row[tool] = {**count, 'latency_cycles': latency, 'compile_cpu_s': cpu, 'compile_wall_s': wall,
                     'yosys': status, 'yosys_cpu_s': yosys_cpu, 'yosys_wall_s': yosys_wall}
    if da.get('error'):
        row['da4ml']['error'] = da['error']
    with open(results, 'a') as f:
        f.write(json.dumps(row) + '\n')

    def ratio(a, b):
        return f'{a / b:.2f}' if isinstance(a, (int, float)) and isinstance(b, (int, float)) and b else '-'

    checked = (f"{bits['events']} events, {bits['mismatched_events']} mismatched" if bits else 'not checked')
    print(f'\n{name}: bits {checked}; load average {row["load_average"]}')
    print(f"{'':22}{'hepml':>12}{'da4ml':>12}{'hepml/da4ml':>13}")
    print(f"family {row['family']} (hepml-compile's delay model and yosys synth_xilinx -family)")
    for label, key in (('LUT', 'LUT'), ('FF', 'FF'), ('CARRY4/8', 'CARRY'), ('DSP', 'DSP'),
                       ('latency (cycles)', 'latency_cycles'), ('compile CPU s', 'compile_cpu_s'),
                       ('compile wall s', 'compile_wall_s'), ('yosys CPU s', 'yosys_cpu_s')):
        a, b = row['hepml'][key], row['da4ml'][key]
        print(f"{label:22}{str(a if a is not None else '-'):>12}{str(b if b is not None else '-'):>12}{ratio(a, b):>13}")


def main(argv):
    command, args = argv[1], argv[2:]
    try:
        if command == 'model':
            write_model(*args)
        elif command == 'build':
            build(*args)
        elif command == 'report':
            report(*args)
        elif command == 'check':
            return check(args[0], args[1], args[2], args[3], int(args[4]))
        else:
            print(__doc__, file=sys.stderr)
            return 2
    except Unsupported as e:
        print(f'da4ml_build: cannot express in da4ml: {e}', file=sys.stderr)
        print(json.dumps({'error': f'cannot express in da4ml: {e}'}))
        return 3
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
