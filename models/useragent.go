package models

import "strings"

// UnknownBrowser is what DescribeUserAgent says when it recognises nothing.
const UnknownBrowser = "Unknown browser"

// DescribeUserAgent names the browser and operating system of a User-Agent
// header in words for a list of sessions: "Chrome on Android", "Safari on
// iPhone", "Firefox on Windows", or UnknownBrowser. It knows the browsers and
// systems people sign in with, not every client there is: a wrong guess costs
// only a less helpful label, so a few substring tests in the right order do
// (a full parser such as medama-io/go-useragent builds a 5 MB trie at start-up).
func DescribeUserAgent(ua string) string {
	browser, system := browserName(ua), systemName(ua)
	switch {
	case browser != "" && system != "":
		return browser + " on " + system
	case browser != "":
		return browser
	case system != "":
		return UnknownBrowser + " on " + system
	}
	return UnknownBrowser
}

// browserName tests the tokens that identify a browser before those it copies:
// Edge, Opera and Samsung Internet also say "Chrome/", and every Chromium says
// "Safari/".
func browserName(ua string) string {
	switch {
	case containsAny(ua, "Edg/", "EdgA/", "EdgiOS/", "Edge/"):
		return "Edge"
	case containsAny(ua, "OPR/", "OPiOS/", "OPT/", "Opera"):
		return "Opera"
	case strings.Contains(ua, "SamsungBrowser/"):
		return "Samsung Internet"
	case strings.Contains(ua, "YaBrowser/"):
		return "Yandex Browser"
	case strings.Contains(ua, "Vivaldi/"):
		return "Vivaldi"
	case containsAny(ua, "DuckDuckGo/", "Ddg/"):
		return "DuckDuckGo"
	case containsAny(ua, "Firefox/", "FxiOS/"):
		return "Firefox"
	case strings.Contains(ua, "Chromium/"):
		return "Chromium"
	case containsAny(ua, "Chrome/", "CriOS/"):
		return "Chrome"
	case containsAny(ua, "MSIE ", "Trident/"):
		return "Internet Explorer"
	case strings.Contains(ua, "AppleWebKit/") && containsAny(ua, "Safari/", "iPhone", "iPad", "iPod") &&
		!strings.Contains(ua, "Android"):
		// Apps' web views on iOS leave out "Safari/" but are Safari's engine.
		return "Safari"
	}
	return ""
}

// systemName tests the more specific platform first: an iPhone says "like Mac
// OS X", Android says "Linux", and Windows Phone says "Android".
func systemName(ua string) string {
	switch {
	case strings.Contains(ua, "Windows Phone"):
		return "Windows Phone"
	case strings.Contains(ua, "iPhone"):
		return "iPhone"
	case strings.Contains(ua, "iPad"):
		return "iPad"
	case strings.Contains(ua, "iPod"):
		return "iPod"
	case strings.Contains(ua, "Android"):
		return "Android"
	case strings.Contains(ua, "CrOS"):
		return "ChromeOS"
	case strings.Contains(ua, "Windows"):
		return "Windows"
	case containsAny(ua, "Macintosh", "Mac OS X"):
		return "macOS"
	case strings.Contains(ua, "FreeBSD"):
		return "FreeBSD"
	case containsAny(ua, "Linux", "X11"):
		return "Linux"
	}
	return ""
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
