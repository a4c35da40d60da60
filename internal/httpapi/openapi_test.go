package httpapi_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
	"gopkg.in/yaml.v3"

	"fugong/docs"
	"fugong/internal/httpapi"
)

// httpMethods are the keys of an OpenAPI path item that are operations.
var httpMethods = map[string]bool{"get": true, "put": true, "post": true, "delete": true, "options": true, "head": true, "patch": true, "trace": true}

// openAPIDoc parses docs/openapi.yaml as a generic tree.
func openAPIDoc(t *testing.T) map[string]any {
	t.Helper()
	var doc map[string]any
	if err := yaml.Unmarshal(docs.OpenAPI, &doc); err != nil {
		t.Fatalf("docs/openapi.yaml is not valid YAML: %v", err)
	}
	return doc
}

// openAPIOp is one documented operation.
type openAPIOp struct {
	method, path string // method upper-case, path as documented ({id} style)
	op           map[string]any
	pathParams   []any // parameters declared on the path item
}

func (o openAPIOp) key() string { return o.method + " " + o.path }

// public reports whether the operation declares `security: []`.
func (o openAPIOp) public() bool {
	s, ok := o.op["security"]
	if !ok {
		return false
	}
	l, _ := s.([]any)
	return len(l) == 0
}

func openAPIOps(t *testing.T, doc map[string]any) []openAPIOp {
	t.Helper()
	paths, ok := doc["paths"].(map[string]any)
	if !ok || len(paths) == 0 {
		t.Fatal("openapi.yaml: no paths")
	}
	var ops []openAPIOp
	for p, item := range paths {
		m, ok := item.(map[string]any)
		if !ok {
			t.Errorf("openapi.yaml: path %s is not an object", p)
			continue
		}
		params, _ := m["parameters"].([]any)
		for k, v := range m {
			if !httpMethods[k] {
				continue
			}
			op, ok := v.(map[string]any)
			if !ok {
				t.Errorf("openapi.yaml: %s %s is not an object", k, p)
				continue
			}
			ops = append(ops, openAPIOp{method: strings.ToUpper(k), path: p, op: op, pathParams: params})
		}
	}
	sort.Slice(ops, func(i, j int) bool { return ops[i].key() < ops[j].key() })
	return ops
}

// resolve follows a local $ref ("#/components/...") in doc.
func resolve(doc map[string]any, v any) (any, bool) {
	m, ok := v.(map[string]any)
	if !ok {
		return v, true
	}
	ref, ok := m["$ref"].(string)
	if !ok {
		return v, true
	}
	if !strings.HasPrefix(ref, "#/") {
		return nil, false
	}
	var cur any = doc
	for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
		part = strings.NewReplacer("~1", "/", "~0", "~").Replace(part)
		cm, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = cm[part]; !ok {
			return nil, false
		}
	}
	return cur, true
}

// walkRefs calls f with every $ref string in v.
func walkRefs(v any, f func(string)) {
	switch x := v.(type) {
	case map[string]any:
		if r, ok := x["$ref"].(string); ok {
			f(r)
		}
		for _, e := range x {
			walkRefs(e, f)
		}
	case []any:
		for _, e := range x {
			walkRefs(e, f)
		}
	}
}

var pathParamRE = regexp.MustCompile(`\{([^}]+)\}`)

// TestOpenAPIDocument checks that docs/openapi.yaml looks like a sound
// OpenAPI 3 document: version, info, paths; every $ref resolves; every
// operation has an id, a success answer and its path parameters declared;
// every signed-in /api/v1 operation documents 401, and every mutating one
// accepts cookie+CSRF or a bearer token.
func TestOpenAPIDocument(t *testing.T) {
	t.Parallel()
	doc := openAPIDoc(t)
	if v, _ := doc["openapi"].(string); !strings.HasPrefix(v, "3.") {
		t.Errorf("openapi = %q, want 3.x", v)
	}
	info, _ := doc["info"].(map[string]any)
	if info == nil || info["title"] == nil || info["version"] == nil {
		t.Errorf("info must have title and version: %v", info)
	}
	comps, _ := doc["components"].(map[string]any)
	schemes, _ := comps["securitySchemes"].(map[string]any)
	for _, s := range []string{"cookieAuth", "csrfToken", "bearerAuth"} {
		if schemes[s] == nil {
			t.Errorf("components.securitySchemes.%s missing", s)
		}
	}
	schemas, _ := comps["schemas"].(map[string]any)
	for _, s := range []string{"Error", "ErrorDetail", "List", "Filing", "FilingSummary", "Attachment", "Flag", "Problem",
		"Notice", "Notification", "Enterprise", "AuditEntry"} {
		if schemas[s] == nil {
			t.Errorf("components.schemas.%s missing", s)
		}
	}
	walkRefs(doc, func(ref string) {
		if _, ok := resolve(doc, map[string]any{"$ref": ref}); !ok {
			t.Errorf("$ref %q does not resolve", ref)
		}
	})

	ids := map[string]string{}
	for _, o := range openAPIOps(t, doc) {
		id, _ := o.op["operationId"].(string)
		if id == "" {
			t.Errorf("%s: no operationId", o.key())
		} else if prev, dup := ids[id]; dup {
			t.Errorf("operationId %q used by %s and %s", id, prev, o.key())
		} else {
			ids[id] = o.key()
		}
		responses, _ := o.op["responses"].(map[string]any)
		success := false
		for code := range responses {
			if strings.HasPrefix(code, "2") {
				success = true
			}
		}
		if !success {
			t.Errorf("%s: no 2xx response", o.key())
		}
		declared := map[string]bool{}
		params, _ := o.op["parameters"].([]any)
		for _, p := range append(append([]any{}, o.pathParams...), params...) {
			rp, ok := resolve(doc, p)
			pm, _ := rp.(map[string]any)
			if !ok || pm == nil {
				t.Errorf("%s: unresolvable parameter %v", o.key(), p)
				continue
			}
			if pm["in"] == "path" {
				if pm["required"] != true {
					t.Errorf("%s: path parameter %v must be required", o.key(), pm["name"])
				}
				declared[pm["name"].(string)] = true
			}
		}
		for _, m := range pathParamRE.FindAllStringSubmatch(o.path, -1) {
			if !declared[m[1]] {
				t.Errorf("%s: path parameter {%s} not declared", o.key(), m[1])
			}
		}
		if !strings.HasPrefix(o.path, "/api/v1/") || o.public() {
			continue
		}
		if responses["401"] == nil {
			t.Errorf("%s: signed-in operation without a 401 response", o.key())
		}
		if o.method != "GET" {
			sec, _ := o.op["security"].([]any)
			csrf, bearer := false, false
			for _, req := range sec {
				rm, _ := req.(map[string]any)
				if _, ok := rm["cookieAuth"]; ok {
					_, csrf = rm["csrfToken"]
				}
				if _, ok := rm["bearerAuth"]; ok {
					bearer = true
				}
			}
			if !csrf || !bearer {
				t.Errorf("%s: a mutating operation must require cookieAuth+csrfToken or bearerAuth (got %v)", o.key(), sec)
			}
		}
	}
}

var fiberParamRE = regexp.MustCompile(`:([A-Za-z0-9_]+)\??`)

// registeredRoutes returns "METHOD /path" (OpenAPI {param} style) of every
// route the server registers, without HEAD (Fiber adds one per GET) and the
// /api/* catch-all.
func registeredRoutes(app *fiber.App) map[string]bool {
	out := map[string]bool{}
	for _, r := range app.GetRoutes(true) {
		if r.Method == fiber.MethodHead || r.Path == "/api/*" {
			continue
		}
		out[r.Method+" "+fiberParamRE.ReplaceAllString(r.Path, "{$1}")] = true
	}
	return out
}

// TestOpenAPIMatchesRoutes fails when a route is registered under /api/v1
// without being documented in docs/openapi.yaml, or documented without being
// registered; it also checks the health routes and the document's own route,
// that every operation documented as public is reachable anonymously and
// every other answers 401 to an anonymous caller, and that
// GET /api/openapi.yaml serves the embedded bytes.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	t.Parallel()
	a := mustAPI(t, "sqlite")
	app := a.srv.App()
	registered := registeredRoutes(app)
	doc := openAPIDoc(t)
	ops := openAPIOps(t, doc)
	documented := map[string]bool{}
	for _, o := range ops {
		documented[o.key()] = true
	}

	var undocumented, unregistered []string
	for k := range registered {
		if strings.HasPrefix(strings.SplitN(k, " ", 2)[1], "/api/v1/") && !documented[k] {
			undocumented = append(undocumented, k)
		}
	}
	for k := range documented {
		if !registered[k] {
			unregistered = append(unregistered, k)
		}
	}
	sort.Strings(undocumented)
	sort.Strings(unregistered)
	for _, k := range undocumented {
		t.Errorf("route %s is registered but not documented in docs/openapi.yaml", k)
	}
	for _, k := range unregistered {
		t.Errorf("docs/openapi.yaml documents %s, which the server does not register", k)
	}
	for _, k := range []string{"GET /healthz", "GET /readyz", "GET /metrics", "GET " + httpapi.OpenAPIPath} {
		if !registered[k] || !documented[k] {
			t.Errorf("%s: registered=%v documented=%v, want both", k, registered[k], documented[k])
		}
	}

	t.Run("anonymous", func(t *testing.T) {
		sample := strings.NewReplacer("{id}", "1", "{street}", "guixi", "{version}", "abc")
		for _, o := range ops {
			if !strings.HasPrefix(o.path, "/api/v1/") {
				continue
			}
			req := httptest.NewRequest(o.method, sample.Replace(o.path), nil)
			resp, err := app.Test(req, -1)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			switch {
			case o.public() && resp.StatusCode == http.StatusUnauthorized:
				t.Errorf("%s is documented public (security: []) but answers an anonymous caller 401", o.key())
			case !o.public() && resp.StatusCode != http.StatusUnauthorized:
				t.Errorf("%s is documented as needing sign-in but answers an anonymous caller %d", o.key(), resp.StatusCode)
			}
		}
	})

	t.Run("served", func(t *testing.T) {
		resp, err := app.Test(httptest.NewRequest(http.MethodGet, httpapi.OpenAPIPath, nil), -1)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s = %d %s", httpapi.OpenAPIPath, resp.StatusCode, body)
		}
		if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/yaml") {
			t.Errorf("Content-Type = %q, want application/yaml", ct)
		}
		if cc := resp.Header.Get("Cache-Control"); !strings.Contains(cc, "max-age=300") {
			t.Errorf("Cache-Control = %q, want max-age=300", cc)
		}
		if !bytes.Equal(body, docs.OpenAPI) {
			t.Errorf("served document (%d bytes) differs from the embedded docs/openapi.yaml (%d bytes)", len(body), len(docs.OpenAPI))
		}
		etag := resp.Header.Get("ETag")
		if etag == "" {
			t.Fatal("no ETag")
		}
		req := httptest.NewRequest(http.MethodGet, httpapi.OpenAPIPath, nil)
		req.Header.Set("If-None-Match", etag)
		resp, err = app.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotModified {
			t.Errorf("If-None-Match %s: status %d, want 304", etag, resp.StatusCode)
		}
	})
}
