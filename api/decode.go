package api

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"
	"sync"

	"golang.org/x/text/language"

	"meldwijzer"
)

// decode reads the request body as exactly one JSON object into v. Unknown fields, wrong types,
// trailing data and oversize bodies are errors, each with a message that says what is wrong.
func decode(r *http.Request, v any) error {
	// the usual header needs no parsing (ParseMediaType makes a map for its parameters)
	if ct := r.Header.Get("Content-Type"); ct != "" && ct != "application/json" {
		if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "application/json" {
			return meldwijzer.Errorf(meldwijzer.EMEDIA, "the body must be JSON (Content-Type: application/json)")
		}
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		if _, extra := dec.Token(); extra != io.EOF {
			err = errTrailing
		}
	}
	return decodeError(err)
}

var errTrailing = errors.New("trailing data")

func decodeError(err error) error {
	var (
		tooLarge *http.MaxBytesError
		syntax   *json.SyntaxError
		typ      *json.UnmarshalTypeError
	)
	switch {
	case err == nil:
		return nil
	case errors.As(err, &tooLarge):
		return meldwijzer.Errorf(meldwijzer.ETOOLARGE, "the body is larger than %d bytes", tooLarge.Limit)
	case errors.As(err, &typ):
		if typ.Field == "" {
			return meldwijzer.Errorf(meldwijzer.EJSON, "the body must be a JSON object")
		}
		return meldwijzer.Errorf(meldwijzer.EINVALID, "field %q must be %s, not %s", typ.Field, jsonType(typ.Type.Kind().String()), typ.Value)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return meldwijzer.Errorf(meldwijzer.EINVALID, "unknown field %s", strings.TrimPrefix(err.Error(), "json: unknown field "))
	case errors.Is(err, errTrailing):
		return meldwijzer.Errorf(meldwijzer.EJSON, "the body must be one JSON object, with nothing after it")
	case errors.As(err, &syntax), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return meldwijzer.Errorf(meldwijzer.EJSON, "the body is not valid JSON")
	default:
		return meldwijzer.Errorf(meldwijzer.EJSON, "the body could not be read as JSON")
	}
}

func jsonType(kind string) string {
	switch kind {
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	case "slice":
		return "a list"
	case "struct", "map":
		return "an object"
	default:
		return "a number"
	}
}

// langMatcher is made at the first Accept-Language it reads, not at package init: a request
// that names its language (and a cold start) needs none.
var langMatcher = sync.OnceValue(func() language.Matcher {
	return language.NewMatcher([]language.Tag{language.Dutch, language.English})
})

// lang returns the language asked for: the explicit value when given (checked later), else the
// Accept-Language header's best match, else Dutch.
func lang(r *http.Request, explicit string) string {
	if explicit != "" {
		return explicit
	}
	if h := r.Header.Get("Accept-Language"); h != "" {
		tags, _, err := language.ParseAcceptLanguage(h)
		if err == nil && len(tags) > 0 {
			if _, i, conf := langMatcher().Match(tags...); conf != language.No && i == 1 {
				return "en"
			}
		}
	}
	return "nl"
}
