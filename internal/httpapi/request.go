package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"fugong/internal/apperror"
	"fugong/internal/page"
)

// maxJSONBody caps JSON request bodies independently of the upload limit.
const maxJSONBody = 1 << 20

// bodyReader returns the request body as a stream (fasthttp streams bodies
// with StreamRequestBody; app.Test and small bodies may arrive buffered).
func bodyReader(c *fiber.Ctx) io.Reader {
	if r := c.Context().RequestBodyStream(); r != nil {
		return r
	}
	return bytes.NewReader(c.Body())
}

// decodeJSON reads a JSON object into v: unknown fields, trailing data and
// bodies over 1 MiB are errors with a clear message.
func decodeJSON(c *fiber.Ctx, v any) error {
	data, err := readJSONBody(c)
	if err != nil {
		return err
	}
	return decodeJSONBytes(data, v)
}

// readJSONBody reads at most 1 MiB of body (once: a middleware that read
// it leaves the bytes for the handler).
func readJSONBody(c *fiber.Ctx) ([]byte, error) {
	if b, ok := c.Locals(bodyKey).([]byte); ok {
		return b, nil
	}
	data, err := io.ReadAll(io.LimitReader(bodyReader(c), maxJSONBody+1))
	if err != nil {
		return nil, apperror.WrapMsg(err, apperror.Malformed, msgCouldNotReadRequestBody)
	}
	if len(data) > maxJSONBody {
		return nil, apperror.Msg(apperror.TooLarge, msgJsonBodyOverMb)
	}
	return data, nil
}

// decodeJSONBytes decodes one JSON object strictly.
func decodeJSONBytes(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return &apperror.Error{Code: apperror.Invalid, Text: msgWrongFieldType.With(),
				Details: []apperror.Detail{{Field: te.Field, Message: fmt.Sprintf("must be %s", te.Type)}}}
		}
		return apperror.WrapMsg(err, apperror.Malformed, msgBodyNotValidJson, err)
	}
	if dec.More() {
		return apperror.Msg(apperror.Malformed, msgTrailingDataAfterJsonObject)
	}
	return nil
}

// maxPage bounds ?page= so an offset never overflows.
const maxPage = 1_000_000

// pageOf reads ?page= and ?page_size=; a value that is not a whole number
// (or a page past maxPage) is recorded for pageError, not read as page 1.
func pageOf(c *fiber.Ctx) page.Page {
	return page.Normal(c.QueryInt("page", 1), c.QueryInt("page_size", 50))
}

// checkPage answers 422 for a ?page= or ?page_size= that is not a whole
// number in range: before, "page=99999999999999999999" silently gave page 1.
func checkPage(c *fiber.Ctx) error {
	for _, q := range []struct {
		name string
		max  int64
	}{{"page", maxPage}, {"page_size", 500}} {
		v := c.Query(q.name)
		if v == "" {
			continue
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1 || n > q.max {
			return apperror.WithText(apperror.Invalid, msgBadPage.With(q.name, q.max),
				[]apperror.Detail{{Field: q.name, Message: "must be a whole number from 1 to " + strconv.FormatInt(q.max, 10)}})
		}
	}
	return c.Next()
}

// listBody is the list shape of docs/openapi.yaml.
func listBody[T any](items []T, total int64, p page.Page) fiber.Map {
	if items == nil {
		items = []T{}
	}
	return fiber.Map{"items": items, "total": total, "page": p.Number, "page_size": p.Size}
}

// paramID reads a positive integer path parameter; anything else is 404
// (an id that cannot exist is simply not found).
func paramID(c *fiber.Ctx, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Params(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, apperror.Msg(apperror.NotFound, msgNotFound)
	}
	return id, nil
}
