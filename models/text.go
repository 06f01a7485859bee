package models

import (
	"strconv"
	"unicode"
	"unicode/utf8"
)

// textProblem is what is wrong with a piece of free text, if anything.
type textProblem int

const (
	textOK textProblem = iota
	// textNotAllowed: invalid UTF-8 or a control character, which databases and
	// terminals mishandle (multiline text may keep newlines and tabs).
	textNotAllowed
	// textBidiControl: an explicit bidirectional embedding, override or isolate
	// (U+202A–U+202E, U+2066–U+2069). They reorder the text that follows them, so
	// "gpj.exe" can show as "exe.jpg" and a name can spill its direction into the
	// page around it ("Trojan Source"). Ordinary right-to-left text needs none of
	// them; the implicit marks (LRM, RLM, ALM) stay allowed.
	textBidiControl
)

// checkText applies the rules every free-text field shares.
func checkText(s string, multiline bool) textProblem {
	if !utf8.ValidString(s) {
		return textNotAllowed
	}
	for _, r := range s {
		switch {
		case multiline && (r == '\n' || r == '\t'):
		case unicode.IsControl(r):
			return textNotAllowed
		case isBidiControl(r):
			return textBidiControl
		}
	}
	return textOK
}

// message tells the user what is wrong with the field called what.
func (p textProblem) message(what string) string {
	switch p {
	case textBidiControl:
		return "The " + what + " contains text-direction control characters, which are not allowed."
	case textNotAllowed:
		return "The " + what + " contains characters that are not allowed."
	}
	return ""
}

// isBidiControl reports the explicit directional formatting characters that
// change the order in which the text after them is shown.
func isBidiControl(r rune) bool {
	return (r >= '\u202A' && r <= '\u202E') || (r >= '\u2066' && r <= '\u2069')
}

// hasVisibleCharacter reports whether s shows anything on screen: a letter,
// digit, punctuation mark or symbol. Spaces, format characters (zero-width
// spaces and joiners, bidi marks, tags), combining marks on their own and
// variation selectors show nothing, nor do the letters Unicode lists as
// default-ignorable (the Hangul fillers) or the blank Braille pattern, which
// are all used to make a name look empty.
func hasVisibleCharacter(s string) bool {
	for _, r := range s {
		if (unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.IsPunct(r) || unicode.IsSymbol(r)) &&
			!unicode.Is(unicode.Other_Default_Ignorable_Code_Point, r) && r != '\u2800' {
			return true
		}
	}
	return false
}

// checkName applies the rules of a one-line name shown on its own (a product's,
// a store's): present, allowed characters, something visible, at most max
// characters. It returns the user's message, or "" when the name is fine.
func checkName(name string, max int) string {
	switch problem, n := checkText(name, false), utf8.RuneCountInString(name); {
	case n == 0:
		return "Enter a name."
	case problem != textOK:
		return problem.message("name")
	case !hasVisibleCharacter(name):
		// Only zero-width or blank characters: it would show as a blank card.
		return "Enter a name with at least one visible letter, digit or symbol."
	case n > max:
		return "Use at most " + strconv.Itoa(max) + " characters."
	}
	return ""
}
