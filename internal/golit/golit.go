// Package golit writes Go values as Go source: the composite literals of the files that
// `go generate` writes for a cold start (content/bundle_gen.go, classify's prepared vocabulary
// and concept lexicon), so that a binary neither parses nor computes them at start-up.
package golit

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// Literal writes v as a Go composite literal for a file of the package pkg (its import path):
// strings, bools, numbers, structs, arrays, slices and pointers only, so that the compiler can
// lay the value out as static data (a map or a function call would be run by the package's
// init). Zero fields are left out; element types are elided where Go allows it. Unexported
// fields can be written for pkg's own types only.
func Literal(v any, pkg string) string {
	w := writer{pkg: pkg}
	w.value(reflect.ValueOf(v), true)
	return w.String()
}

type writer struct {
	strings.Builder
	pkg string
}

func (b *writer) value(v reflect.Value, typed bool) {
	switch v.Kind() {
	case reflect.String:
		b.WriteString(strconv.Quote(v.String()))
	case reflect.Bool:
		b.WriteString(strconv.FormatBool(v.Bool()))
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		b.WriteString(strconv.FormatInt(v.Int(), 10))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		b.WriteString(strconv.FormatUint(v.Uint(), 10))
	case reflect.Float32, reflect.Float64:
		// the shortest text that reads back as the same value
		b.WriteString(strconv.FormatFloat(v.Float(), 'g', -1, v.Type().Bits()))
	case reflect.Pointer:
		if v.IsNil() {
			b.WriteString("nil")
			return
		}
		if typed {
			b.WriteString("&")
		}
		b.value(v.Elem(), typed)
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.IsNil() {
			b.WriteString("nil")
			return
		}
		if typed {
			b.WriteString(b.typeName(v.Type()))
		}
		b.WriteString("{\n")
		for i := range v.Len() {
			b.value(v.Index(i), false)
			b.WriteString(",\n")
		}
		b.WriteString("}")
	case reflect.Struct:
		t := v.Type()
		if typed {
			b.WriteString(b.typeName(t))
		}
		b.WriteString("{")
		for i := range t.NumField() {
			f, fv := t.Field(i), v.Field(i)
			if fv.IsZero() {
				continue
			}
			if !f.IsExported() && t.PkgPath() != b.pkg {
				panic(fmt.Sprintf("golit: cannot write %s.%s (unexported, another package) as a literal", t, f.Name))
			}
			b.WriteString(f.Name + ": ")
			b.value(fv, true)
			b.WriteString(", ")
		}
		b.WriteString("}")
	default:
		panic(fmt.Sprintf("golit: cannot write a %s as a static literal", v.Type()))
	}
}

// typeName is t as written in the package.
func (b *writer) typeName(t reflect.Type) string {
	switch {
	case t.Kind() == reflect.Slice:
		return "[]" + b.typeName(t.Elem())
	case t.Kind() == reflect.Array && t.Name() == "":
		return fmt.Sprintf("[%d]%s", t.Len(), b.typeName(t.Elem()))
	case t.Kind() == reflect.Pointer:
		return "*" + b.typeName(t.Elem())
	case t.PkgPath() == "" || t.PkgPath() == b.pkg:
		return t.Name() // a generic type as well when its type arguments are predeclared (pair[[]string])
	default:
		return t.PkgPath()[strings.LastIndex(t.PkgPath(), "/")+1:] + "." + t.Name()
	}
}
