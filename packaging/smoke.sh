# Helpers for the installer smoke tests (sourced by packaging/{linux,windows}/test.sh).
# Every check prints PASS/FAIL; `finish` exits 1 if any failed, so a skipped step cannot pass silently.
FAILED=0; PASSED=0
SMOKE_ROOT=${ROOT:?}

section() { echo; echo "== $*"; }
pass() { PASSED=$((PASSED + 1)); echo "PASS $*"; }
fail() { FAILED=$((FAILED + 1)); echo "FAIL $*"; }

check() {  # check LABEL CMD...
  local label=$1; shift
  if "$@" >/dev/null 2>&1; then pass "$label"; else fail "$label"; fi
}

check_rc() {  # check_rc EXPECTED LABEL CMD...   (prints the command's stderr)
  local want=$1 label=$2; shift 2
  local err rc; err=$("$@" 2>&1 >/dev/null); rc=$?
  [ -n "$err" ] && echo "  stderr: $err"
  if [ "$rc" = "$want" ]; then pass "$label (exit $rc)"; else fail "$label (exit $rc, expected $want)"; fi
}

timed() {  # timed LABEL CMD...   prints "TIME label: N.NN s"
  local label=$1; shift
  local a b rc; a=$(date +%s.%N); "$@"; rc=$?; b=$(date +%s.%N)
  printf 'TIME %s: %.2f s\n' "$label" "$(echo "$b - $a" | bc)"
  return $rc
}

native_pdf() {  # the same commit rendered by the checkout's own venv (make test made it)
  [ -f "$1" ] || "$SMOKE_ROOT/.venv/bin/hyoka" pdf --demo -o "$1" >/dev/null
}

pages() { pdfinfo "$1" 2>/dev/null | awk '/^Pages:/ {print $2}'; }

check_pdf() {  # check_pdf INSTALLED.pdf NATIVE.pdf
  native_pdf "$2"
  local got want; got=$(pages "$1"); want=$(pages "$2")
  if [ -n "$got" ] && [ "$got" = "$want" ]; then pass "pdf --demo: $got pages, as the native render"
  else fail "pdf --demo: ${got:-no} pages, native render has ${want:-?}"; fi
  local fonts; fonts=$(pdffonts "$1" 2>/dev/null | tail -n +3)
  if [ -n "$fonts" ] && ! echo "$fonts" | awk '{print $(NF-4)}' | grep -qv yes; then
    pass "pdf fonts embedded: $(echo "$fonts" | awk '{print $1}' | sed 's/^[A-Z]*+//' | sort -u | tr '\n' ' ')"
  else fail "pdf fonts not all embedded"; fi
}

ensure_locale() {  # generate a locale (root, Debian's `locales`)
  locale -a 2>/dev/null | grep -qi "^${1%%.*}.utf-\?8$" && return 0
  command -v locale-gen >/dev/null || { apt-get install -y -qq locales >/dev/null 2>&1 || true; }
  grep -q "^$1 UTF-8" /etc/locale.gen 2>/dev/null || echo "$1 UTF-8" >> /etc/locale.gen
  locale-gen >/dev/null 2>&1 || true
}

gui_window() {  # gui_window LABEL OUT.png CMD...  a real window on a fresh Xvfb, visible within 20 s
  local label=$1 png=$2; shift 2
  local d xvfb app a t found="" try dfile
  dfile=$(mktemp)   # Xvfb picks a free display itself (another Xvfb on the machine must not be reused)
  Xvfb -displayfd 3 -screen 0 1400x900x24 -nolisten tcp 3>"$dfile" >/dev/null 2>&1 & xvfb=$!
  for _ in $(seq 100); do [ -s "$dfile" ] && break; sleep 0.1; done
  d=$(head -1 "$dfile"); rm -f "$dfile"
  for _ in $(seq 50); do DISPLAY=":$d" xdotool getdisplaygeometry >/dev/null 2>&1 && break; sleep 0.1; done
  for try in 1 2; do   # retried only when the process died at start (see wine_run)
  a=$(date +%s.%N)
  # own process group (killed as a whole below); piped, because a Windows CPython under wine cannot
  # write to a redirected file
  DISPLAY=":$d" setsid bash -c '"$@" </dev/null 2>&1 | cat > "$0"' "${png%.png}.log" "$@" & app=$!
  for _ in $(seq 200); do
    if DISPLAY=":$d" xdotool search --onlyvisible --name "hyoka" >/dev/null 2>&1; then found=1; break; fi
    kill -0 "$app" 2>/dev/null || break
    sleep 0.1
  done
  t=$(echo "$(date +%s.%N) - $a" | bc)
  [ -z "$found" ] && grep -q init_sys_streams "${png%.png}.log" && { echo "gui_window: startup failed, retry"; continue; }
  break; done
  if [ -n "$found" ]; then
    sleep 3   # let it paint
    DISPLAY=":$d" import -window root "$png" 2>/dev/null
    printf 'TIME first start to a visible window (%s): %.2f s\n' "$label" "$t"
    pass "window visible ($label): \"$(DISPLAY=":$d" xdotool search --onlyvisible --name hyoka getwindowname 2>/dev/null | head -1)\", screenshot $png"
  else
    DISPLAY=":$d" import -window root "${png%.png}-failed.png" 2>/dev/null
    fail "no window within 20 s ($label) on :$d; windows: $(DISPLAY=":$d" xdotool search --name . getwindowname %@ 2>/dev/null | tr '\n' '|'); log: $(tail -5 "${png%.png}.log" | tr '\n' ' ')"
  fi
  kill -- -"$app" 2>/dev/null; wait "$app" 2>/dev/null
  kill "$xvfb" 2>/dev/null; wait "$xvfb" 2>/dev/null
  [ -n "$found" ]
}

finish() {
  echo; echo "== test-dist ($1): $PASSED passed, $FAILED failed"
  [ "$FAILED" = 0 ] && [ "$PASSED" -gt 0 ]
}
