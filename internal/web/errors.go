package web

import (
	"errors"
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"pilar/internal/finance"
)

var statusOf = map[string]int{
	finance.EBadRequest:        http.StatusBadRequest,
	finance.EUnauthorized:      http.StatusUnauthorized,
	finance.EForbidden:         http.StatusForbidden,
	finance.ENotFound:          http.StatusNotFound,
	finance.EConflict:          http.StatusConflict,
	finance.EDuplicate:         http.StatusConflict,
	finance.EInvalidTransition: http.StatusConflict,
	finance.EBudgetExceeded:    http.StatusConflict,
	finance.ETooLarge:          http.StatusRequestEntityTooLarge,
	finance.EValidation:        http.StatusUnprocessableEntity,
	finance.ETooManyRequests:   http.StatusTooManyRequests,
	finance.EUnavailable:       http.StatusServiceUnavailable,
}

var errInternal = errors.New("web: internal error")

// errorBody is the error shape of API.md.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}

// errorPage is what the error page shows: the error and the request id to
// quote when asking for help.
type errorPage struct {
	errorDetail
	RequestID string
}

// classify turns any error into a status and the body users may see.
func classify(err error) (int, errorDetail) {
	var fe *finance.Error
	var he *echo.HTTPError
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &fe):
		if st, ok := statusOf[fe.Code]; ok {
			return st, errorDetail{Code: fe.Code, Message: fe.Message, Fields: fe.Fields}
		}
	case errors.As(err, &mbe):
		return http.StatusRequestEntityTooLarge, errorDetail{Code: finance.ETooLarge, Message: "the request body is too large"}
	case errors.As(err, &he):
		switch he.Code {
		case http.StatusNotFound:
			return he.Code, errorDetail{Code: finance.ENotFound, Message: "no such page or resource"}
		case http.StatusMethodNotAllowed:
			return he.Code, errorDetail{Code: "method_not_allowed", Message: "this method is not allowed here"}
		case http.StatusRequestEntityTooLarge:
			return he.Code, errorDetail{Code: finance.ETooLarge, Message: "the request body is too large"}
		case http.StatusBadRequest, http.StatusUnsupportedMediaType:
			return http.StatusBadRequest, errorDetail{Code: finance.EBadRequest, Message: "the request could not be read"}
		}
	}
	return http.StatusInternalServerError, errorDetail{Code: "internal", Message: "something went wrong on our side; it has been logged"}
}

// handleError is Echo's HTTPErrorHandler: JSON for the API, a page otherwise.
// Only internal errors are logged, and their text never reaches users.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	status, detail := classify(err)
	if after, ok := finance.RetryAfterOf(err); ok && status < 500 || status == http.StatusServiceUnavailable {
		secs := int(math.Ceil(after.Seconds()))
		if secs < 1 {
			secs = 1
		}
		c.Response().Header().Set("Retry-After", strconv.Itoa(secs))
	}
	if status == http.StatusInternalServerError {
		s.reqLog(c).Error("request failed", "method", c.Request().Method, "path", c.Request().URL.Path, "err", err)
		if id := requestID(c); id != "" {
			detail.Message += "; request id " + id
		}
	}
	if isAPIPath(c.Request().URL.Path) || c.Request().Header.Get("Accept") == echo.MIMEApplicationJSON {
		if c.Request().Method == http.MethodHead {
			c.NoContent(status)
			return
		}
		c.JSON(status, errorBody{detail})
		return
	}
	if status == http.StatusUnauthorized {
		c.Redirect(http.StatusSeeOther, "/login")
		return
	}
	s.renderPage(c, status, "error", "error.title", errorPage{detail, requestID(c)})
}

func isAPIPath(p string) bool {
	return strings.HasPrefix(p, "/api/") || p == "/openapi.json" || p == "/healthz" || p == "/metrics"
}
