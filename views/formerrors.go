package views

import "github.com/storefront/storefront/models"

// FormErrors holds per-field messages, keyed by field name.
type FormErrors map[string]string

// ErrorsOf returns the per-field messages of err (empty for other errors).
func ErrorsOf(err error) FormErrors { return FormErrors(models.FieldErrors(err)) }

func (e FormErrors) has(field string) bool { return e[field] != "" }

func errorID(field string) string { return field + "-error" }
