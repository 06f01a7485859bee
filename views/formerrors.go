package views

import "github.com/storefront/storefront/models"

// FormErrors holds per-field messages, keyed by field name.
type FormErrors map[string]string

// ErrorsOf returns the per-field messages of err (empty for other errors).
func ErrorsOf(err error) FormErrors { return FormErrors(models.FieldErrors(err)) }

func (e FormErrors) has(field string) bool { return e[field] != "" }

func errorID(field string) string { return field + "-error" }

func hintID(field string) string { return field + "-hint" }

// describedBy is a control's aria-describedby: its error message while it has
// one (the hint is hidden then), else its hint, if any.
func describedBy(field, hint string, errs FormErrors) string {
	if errs.has(field) {
		return errorID(field)
	}
	if hint != "" {
		return hintID(field)
	}
	return ""
}
