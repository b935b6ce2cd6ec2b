package content

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// goLiteral writes v as a Go composite literal for a file of this package: strings, bools,
// integers, structs, slices and pointers only, so that the compiler can lay the value out as
// static data (a map or a function call would be run by the package's init). Zero fields are left
// out; element types are elided where Go allows it.
func goLiteral(v any) string {
	var b strings.Builder
	writeLiteral(&b, reflect.ValueOf(v), true)
	return b.String()
}

const thisPackage = "meldwijzer/content"

func writeLiteral(b *strings.Builder, v reflect.Value, typed bool) {
	switch v.Kind() {
	case reflect.String:
		b.WriteString(strconv.Quote(v.String()))
	case reflect.Bool:
		b.WriteString(strconv.FormatBool(v.Bool()))
	case reflect.Int, reflect.Int64, reflect.Int32:
		b.WriteString(strconv.FormatInt(v.Int(), 10))
	case reflect.Pointer:
		if v.IsNil() {
			b.WriteString("nil")
			return
		}
		if typed {
			b.WriteString("&")
		}
		writeLiteral(b, v.Elem(), typed)
	case reflect.Slice:
		if v.IsNil() {
			b.WriteString("nil")
			return
		}
		if typed {
			b.WriteString(typeName(v.Type()))
		}
		b.WriteString("{\n")
		for i := range v.Len() {
			writeLiteral(b, v.Index(i), false)
			b.WriteString(",\n")
		}
		b.WriteString("}")
	case reflect.Struct:
		t := v.Type()
		if typed {
			b.WriteString(typeName(t))
		}
		b.WriteString("{")
		for i := range t.NumField() {
			f, fv := t.Field(i), v.Field(i)
			if fv.IsZero() {
				continue
			}
			if !f.IsExported() && t.PkgPath() != thisPackage {
				panic(fmt.Sprintf("content: cannot write %s.%s (unexported, another package) as a literal", t, f.Name))
			}
			b.WriteString(f.Name + ": ")
			writeLiteral(b, fv, true)
			b.WriteString(", ")
		}
		b.WriteString("}")
	default:
		panic(fmt.Sprintf("content: cannot write a %s as a static literal", v.Type()))
	}
}

// typeName is t as written in this package.
func typeName(t reflect.Type) string {
	switch {
	case t.Kind() == reflect.Slice:
		return "[]" + typeName(t.Elem())
	case t.Kind() == reflect.Pointer:
		return "*" + typeName(t.Elem())
	case t.PkgPath() == "" || t.PkgPath() == thisPackage:
		return t.Name() // pair[[]string] as well: its type argument is predeclared
	default:
		return t.PkgPath()[strings.LastIndex(t.PkgPath(), "/")+1:] + "." + t.Name()
	}
}
