package robust

// The library, package requestkey and the commands must build on every
// system, not only Linux, so that cross-platform programs that use them on
// Linux compile everywhere: elsewhere the library's and requestkey's
// operations fail with errors wrapping errors.ErrUnsupported, and the
// commands only say that they need Linux. In the library and requestkey,
// what compiles everywhere is declared once, in files without a build
// constraint; what needs Linux is in files named X_linux.go, and the
// stubs of their functions for other systems in X_other.go
// ("//go:build !linux"; see errors_other.go). Elsewhere, Linux code
// (tests, commands, internal packages) carries "//go:build linux". These
// tests cross-compile and vet the module for other systems, compare the
// exported API across systems, and run the operations as built for
// another system.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/build/constraint"
	"go/importer"
	"go/parser"
	"go/printer"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// crossTargets are the systems the module is built for besides the
// machine's: two other systems, one with x/sys/unix (darwin: the same
// stubs serve the BSDs, solaris, aix...) and one without (windows), and
// Linux on 32 bits, big-endian, where x/sys/unix's structures differ most
// from amd64's (mips: Stat_t.Dev is a uint32). Each costs a compilation
// of the standard library for it when the build cache is cold (about 20
// to 30 s on 2 cores), a second or two when it is warm.
var crossTargets = []string{"darwin/arm64", "windows/amd64", "linux/mips"}

// apiPackages are the packages whose exported API must be the same on
// every system.
var apiPackages = []string{"github.com/keyutils-go/keyutils", "github.com/keyutils-go/keyutils/requestkey", "github.com/keyutils-go/keyutils/dnsresolver"}

const crossHint = `in the library and requestkey, code that needs Linux goes in an X_linux.go file, ` +
	`and its exported functions need stubs in X_other.go (see errors_other.go); ` +
	`elsewhere (tests included), a file that needs Linux must start with "//go:build linux"`

// goTool returns the go command and the module's root directory, or skips
// the test.
func goTool(t *testing.T) (string, string) {
	t.Helper()
	if testing.Short() {
		t.Skip("cross-compiling takes a while: skipped in -short mode")
	}
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("no go command to cross-compile with: %v", err)
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	return goCmd, root
}

// goFor runs the go command for target ("goos/goarch") in the module's
// root directory and returns its standard output.
func goFor(t *testing.T, goCmd, root, target string, args ...string) []byte {
	t.Helper()
	goos, goarch, _ := strings.Cut(target, "/")
	cmd := exec.Command(goCmd, args...)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOOS="+goos, "GOARCH="+goarch, "CGO_ENABLED=0")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("GOOS=%s GOARCH=%s go %s: %v\n%s\n(%s)", goos, goarch, strings.Join(args, " "), err, stderr.Bytes(), crossHint)
	}
	return out
}

// TestCrossBuild builds and vets (test files included) every package of
// the module for the other systems.
func TestCrossBuild(t *testing.T) {
	goCmd, root := goTool(t)
	for _, target := range crossTargets {
		t.Run(strings.ReplaceAll(target, "/", "_"), func(t *testing.T) {
			goFor(t, goCmd, root, target, "build", "./...")
			goFor(t, goCmd, root, target, "vet", "./...")
		})
	}
}

// TestCrossAPI checks that the library and requestkey export the same
// declarations, with the same types and constant values, on every system.
func TestCrossAPI(t *testing.T) {
	goCmd, root := goTool(t)
	want := exportedAPI(t, goCmd, root, "linux/amd64")
	for _, target := range crossTargets {
		got := exportedAPI(t, goCmd, root, target)
		for _, path := range apiPackages {
			for _, l := range want[path] {
				if !slices.Contains(got[path], l) {
					t.Errorf("%s: %s: missing or different: %s", target, path, l)
				}
			}
			for _, l := range got[path] {
				if !slices.Contains(want[path], l) {
					t.Errorf("%s: %s: not in the Linux API: %s", target, path, l)
				}
			}
		}
	}
	if t.Failed() {
		t.Log(crossHint)
	}
}

// exportedAPI returns, for each of apiPackages, its exported declarations
// when built for target, one line each, sorted.
func exportedAPI(t *testing.T, goCmd, root, target string) map[string][]string {
	t.Helper()
	args := append([]string{"list", "-deps", "-export", "-json=ImportPath,Export"}, apiPackages...)
	out := goFor(t, goCmd, root, target, args...)
	exports := map[string]string{}
	for dec := json.NewDecoder(bytes.NewReader(out)); ; {
		var p struct{ ImportPath, Export string }
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("go list output: %v", err)
		}
		exports[p.ImportPath] = p.Export
	}
	fset := token.NewFileSet()
	imp := importer.ForCompiler(fset, "gc", func(path string) (io.ReadCloser, error) {
		f, ok := exports[path]
		if !ok || f == "" {
			return nil, fmt.Errorf("no export data for %s", path)
		}
		return os.Open(f)
	})
	api := map[string][]string{}
	for _, path := range apiPackages {
		pkg, err := imp.Import(path)
		if err != nil {
			t.Fatalf("%s: importing %s: %v", target, path, err)
		}
		api[path] = describeAPI(pkg)
	}
	return api
}

// describeAPI lists the exported declarations of pkg: constants with
// their values, variables, functions, types with their exported fields
// and methods.
func describeAPI(pkg *types.Package) []string {
	qual := func(p *types.Package) string {
		if p == pkg {
			return ""
		}
		return p.Path()
	}
	str := func(t types.Type) string {
		// unix.Errno is an alias of syscall.Errno, which the stubs use
		// (windows has no x/sys/unix): the same type either way.
		return strings.ReplaceAll(types.TypeString(t, qual), "golang.org/x/sys/unix.Errno", "syscall.Errno")
	}
	// sig is a signature without parameter names, which are not API.
	sig := func(s *types.Signature) string {
		list := func(t *types.Tuple, variadic bool) string {
			var l []string
			for i := range t.Len() {
				ts := str(t.At(i).Type())
				if variadic && i == t.Len()-1 {
					ts = "..." + strings.TrimPrefix(ts, "[]")
				}
				l = append(l, ts)
			}
			return "(" + strings.Join(l, ", ") + ")"
		}
		return list(s.Params(), s.Variadic()) + " " + list(s.Results(), false)
	}
	var lines []string
	scope := pkg.Scope()
	for _, name := range scope.Names() {
		switch obj := scope.Lookup(name).(type) {
		case *types.Const:
			if obj.Exported() {
				lines = append(lines, fmt.Sprintf("const %s %s = %s", name, str(obj.Type()), obj.Val().ExactString()))
			}
		case *types.Var:
			if obj.Exported() {
				lines = append(lines, fmt.Sprintf("var %s %s", name, str(obj.Type())))
			}
		case *types.Func:
			if obj.Exported() {
				lines = append(lines, "func "+name+sig(obj.Type().(*types.Signature)))
			}
		case *types.TypeName:
			if !obj.Exported() {
				continue
			}
			if obj.IsAlias() {
				lines = append(lines, fmt.Sprintf("type %s = %s", name, str(obj.Type())))
				continue
			}
			named, ok := obj.Type().(*types.Named)
			if !ok {
				continue
			}
			switch u := named.Underlying().(type) {
			case *types.Struct:
				lines = append(lines, fmt.Sprintf("type %s struct", name))
				for i := range u.NumFields() {
					if f := u.Field(i); f.Exported() {
						lines = append(lines, fmt.Sprintf("field %s.%s %s embedded=%v", name, f.Name(), str(f.Type()), f.Embedded()))
					}
				}
			default:
				lines = append(lines, fmt.Sprintf("type %s %s", name, str(u)))
			}
			for i := range named.NumMethods() {
				m := named.Method(i)
				if !m.Exported() {
					continue
				}
				s := m.Type().(*types.Signature)
				lines = append(lines, fmt.Sprintf("method (%s) %s%s", str(s.Recv().Type()), m.Name(), sig(s)))
			}
		}
	}
	slices.Sort(lines)
	return lines
}

// needsNoKernel are the exported functions and methods of the library and
// requestkey that return an error and work on every system, besides the
// parsers (Parse*) and Unwrap: TestStubsFailUnsupported does not call
// them.
var needsNoKernel = map[string]bool{
	"requestkey.Config.Check":  true,
	"requestkey.Config.Lookup": true,
	"requestkey.Rule.Command":  true,
}

// callArgs are the arguments TestStubsFailUnsupported passes instead of
// zero values where those would stop the call before it needs the kernel.
var callArgs = map[string]string{
	"requestkey.Serve": `[]string{"1"}, nil`,
}

// TestStubsFailUnsupported runs the library and requestkey as built for
// other systems: it copies the module files they consist of there (as
// darwin sees them) into a module of its own, drops the build
// constraints, and has a generated test call every exported function and
// method of the library and requestkey that returns an error, the stubs
// and the functions built on them alike, with zero arguments (or
// callArgs), but those that need no kernel (Parse*, Unwrap and
// needsNoKernel): each must return an error wrapping
// errors.ErrUnsupported, and none may panic.
func TestStubsFailUnsupported(t *testing.T) {
	goCmd, root := goTool(t)
	out := goFor(t, goCmd, root, "darwin/arm64", "list", "-deps", "-json=ImportPath,Dir,GoFiles,Module", "./requestkey")
	tmp := t.TempDir()
	type gen struct {
		calls   []string
		imports map[string]string // name -> path
	}
	gens := map[string]*gen{} // directory -> test to generate
	seen := map[string]bool{}
	for dec := json.NewDecoder(bytes.NewReader(out)); ; {
		var p struct {
			ImportPath, Dir string
			GoFiles         []string
			Module          *struct{ Path string }
		}
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("go list output: %v", err)
		}
		if p.Module == nil || p.Module.Path != "github.com/keyutils-go/keyutils" {
			continue
		}
		rel, err := filepath.Rel(root, p.Dir)
		if err != nil {
			t.Fatal(err)
		}
		dst := filepath.Join(tmp, rel)
		if err := os.MkdirAll(dst, 0o755); err != nil {
			t.Fatal(err)
		}
		g := &gen{imports: map[string]string{"errors": "errors", "testing": "testing"}}
		api := slices.Contains(apiPackages, p.ImportPath)
		for _, name := range p.GoFiles {
			src, err := os.ReadFile(filepath.Join(p.Dir, name))
			if err != nil {
				t.Fatal(err)
			}
			var kept []string
			for _, line := range strings.SplitAfter(string(src), "\n") {
				if !constraint.IsGoBuild(strings.TrimSpace(line)) {
					kept = append(kept, line)
				}
			}
			if err := os.WriteFile(filepath.Join(dst, name), []byte(strings.Join(kept, "")), 0o644); err != nil {
				t.Fatal(err)
			}
			fset := token.NewFileSet()
			f, err := parser.ParseFile(fset, name, src, parser.ParseComments)
			if err != nil {
				t.Fatal(err)
			}
			if api {
				g.calls = append(g.calls, kernelCalls(t, fset, f, g.imports, seen)...)
			}
		}
		gens[dst] = g
	}
	for key := range needsNoKernel {
		if !seen[key] {
			t.Errorf("needsNoKernel: no function %s returns an error", key)
		}
	}
	for key := range callArgs {
		if !seen[key] {
			t.Errorf("callArgs: no function %s returns an error", key)
		}
	}
	for dir, g := range gens {
		if len(g.calls) == 0 {
			continue
		}
		pkg := filepath.Base(dir)
		if dir == tmp {
			pkg = "keyutils"
		}
		var b strings.Builder
		fmt.Fprintf(&b, "package %s\n\nimport (\n", pkg)
		for name, path := range g.imports {
			fmt.Fprintf(&b, "\t%s %q\n", name, path)
		}
		b.WriteString(")\n\nfunc TestStubs(t *testing.T) {\n")
		for _, c := range g.calls {
			fmt.Fprintf(&b, "\tt.Run(%q, func(t *testing.T) {\n\t\tif err := last(%s); !errors.Is(err, errors.ErrUnsupported) {\n\t\t\tt.Errorf(\"%%v: not ErrUnsupported\", err)\n\t\t}\n\t})\n", c, c)
		}
		b.WriteString("}\n\nfunc last(r ...any) error { err, _ := r[len(r)-1].(error); return err }\n")
		if err := os.WriteFile(filepath.Join(dir, "zz_stubs_test.go"), []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("package %s: %d calls: %s", pkg, len(g.calls), strings.Join(g.calls, "; "))
	}
	if err := os.WriteFile(filepath.Join(tmp, "go.mod"), []byte("module github.com/keyutils-go/keyutils\n\ngo 1.24\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(goCmd, "test", "-count=1", "./...")
	cmd.Dir = tmp
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off", "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("the stubs, run on this machine: %v\n%s", err, b)
	}
}

// kernelCalls returns a call for each exported function and method of f
// whose last result is an error, but those that need no kernel (Parse*,
// Unwrap, needsNoKernel), with zero arguments or callArgs, adds the
// imports their argument types need to imports, and records the
// functions' keys ("requestkey.Config.Check") in seen.
func kernelCalls(t *testing.T, fset *token.FileSet, f *ast.File, imports map[string]string, seen map[string]bool) []string {
	t.Helper()
	paths := map[string]string{}
	for _, im := range f.Imports {
		path := strings.Trim(im.Path.Value, `"`)
		name := filepath.Base(path)
		if im.Name != nil {
			name = im.Name.Name
		}
		paths[name] = path
	}
	expr := func(e ast.Expr) string {
		ast.Inspect(e, func(n ast.Node) bool {
			if sel, ok := n.(*ast.SelectorExpr); ok {
				if id, ok := sel.X.(*ast.Ident); ok {
					imports[id.Name] = paths[id.Name]
				}
			}
			return true
		})
		var b bytes.Buffer
		if err := printer.Fprint(&b, fset, e); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	var calls []string
	for _, d := range f.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok || !fn.Name.IsExported() || strings.HasPrefix(fn.Name.Name, "Parse") || fn.Name.Name == "Unwrap" || fn.Type.Results == nil {
			continue
		}
		res := fn.Type.Results.List
		if id, ok := res[len(res)-1].Type.(*ast.Ident); !ok || id.Name != "error" {
			continue
		}
		key, call := f.Name.Name+"."+fn.Name.Name, fn.Name.Name
		if fn.Recv != nil {
			typ := fn.Recv.List[0].Type
			if star, ok := typ.(*ast.StarExpr); ok {
				typ = star.X
			}
			if id, ok := typ.(*ast.Ident); !ok || !id.IsExported() {
				continue
			}
			key = f.Name.Name + "." + expr(typ) + "." + fn.Name.Name
			call = "new(" + expr(typ) + ")." + call
		}
		seen[key] = true
		if needsNoKernel[key] {
			continue
		}
		if a, ok := callArgs[key]; ok {
			calls = append(calls, call+"("+a+")")
			continue
		}
		var args []string
		for _, p := range fn.Type.Params.List {
			arg := "*new(" + expr(p.Type) + ")"
			if ell, ok := p.Type.(*ast.Ellipsis); ok {
				arg = "*new([]" + expr(ell.Elt) + ")..."
			}
			for range max(1, len(p.Names)) {
				args = append(args, arg)
			}
		}
		calls = append(calls, call+"("+strings.Join(args, ", ")+")")
	}
	return calls
}
