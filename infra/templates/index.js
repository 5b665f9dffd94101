// CloudFront Function (cloudfront-js-2.0), viewer request, site behaviour only (not /api/*).
// The root ("/") sends each visitor to a language's home: the one the language switcher remembered (cookie "lang"),
// else the first of the browser's Accept-Language the site speaks, else French. local/language.py does the same
// for the local portal; tests/infra/test_language_choice.py runs one table of cases against both.
// An S3 origin behind origin access control has no index documents: "/fr/" must be asked for as
// "/fr/index.html". A path whose last segment has no extension ("/fr/specialites") is redirected to the
// folder form ("/fr/specialites/") so that the page's relative links resolve as they do locally; but a FHIR
// operation's name ("/fhir/$bulk-publish", the slot feed's manifest, "$" percent-encoded or not) is a file.
var LANGUAGES = ['fr', 'en', 'it', 'es', 'ru']; // pelicanconf.LANGUAGES; the first is the fallback
var COOKIE = 'lang'; // set by theme/static/js/language.js when a language is chosen in the switcher
function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (uri === '/') {
    // Not cached (a viewer-request answer never is), and private: it depends on the visitor's headers.
    return {
      statusCode: 302,
      statusDescription: 'Found',
      headers: {
        location: {value: '/' + chooseLanguage(request) + '/' + queryOf(request)},
        'cache-control': {value: 'private, no-store'},
      },
    };
  }
  if (uri.endsWith('/')) {
    request.uri = uri + 'index.html';
    return request;
  }
  var last = uri.substring(uri.lastIndexOf('/') + 1);
  if (last.charAt(0) === '$' || last.substring(0, 3).toUpperCase() === '%24') {
    return request;
  }
  // A path holding "//" or a backslash could make the Location header point to another site: left to fail (404).
  if (last.indexOf('.') === -1 && uri.indexOf('//') === -1 && uri.indexOf('\\') === -1) {
    return {
      statusCode: 301,
      statusDescription: 'Moved Permanently',
      headers: {location: {value: uri + '/' + queryOf(request)}},
    };
  }
  return request;
}

// The remembered language, else the site's language the browser prefers most (RFC 9110 Accept-Language: ranges with
// q-values; "it-CH" counts as "it"; the first of equal q wins), else the first of LANGUAGES.
function chooseLanguage(request) {
  var cookie = request.cookies && request.cookies[COOKIE];
  if (cookie && LANGUAGES.indexOf(cookie.value) !== -1) {
    return cookie.value;
  }
  var header = request.headers['accept-language'];
  var best = LANGUAGES[0];
  var bestQ = 0;
  var ranges = header ? header.value.split(',') : [];
  for (var i = 0; i < ranges.length; i++) {
    var parts = ranges[i].split(';');
    var code = parts[0].trim().toLowerCase().split('-')[0];
    var q = 1;
    for (var j = 1; j < parts.length; j++) {
      var parameter = parts[j].trim().toLowerCase();
      if (parameter.indexOf('q=') === 0) {
        q = Number(parameter.substring(2));
      }
    }
    if (!(q >= 0 && q <= 1)) {
      q = 0; // a malformed weight counts as "not acceptable"
    }
    if (q > bestQ && LANGUAGES.indexOf(code) !== -1) {
      best = code;
      bestQ = q;
    }
  }
  return best;
}

// "?a=1&b" from the request's query string, or "" without one.
function queryOf(request) {
  var query = [];
  var names = Object.keys(request.querystring);
  for (var i = 0; i < names.length; i++) {
    var item = request.querystring[names[i]];
    var values = item.multiValue ? item.multiValue : [item];
    for (var j = 0; j < values.length; j++) {
      query.push(names[i] + (values[j].value === '' ? '' : '=' + values[j].value));
    }
  }
  return query.length ? '?' + query.join('&') : '';
}
