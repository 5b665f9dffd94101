// CloudFront Function (cloudfront-js-2.0), viewer request, site behaviour only (not /api/*).
// An S3 origin behind origin access control has no index documents: "/fr/" must be asked for as
// "/fr/index.html". A path whose last segment has no extension ("/fr/specialites") is redirected to the
// folder form ("/fr/specialites/") so that the page's relative links resolve as they do locally; but a FHIR
// operation's name ("/fhir/$bulk-publish", the slot feed's manifest, "$" percent-encoded or not) is a file.
function handler(event) {
  var request = event.request;
  var uri = request.uri;
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
    var query = [];
    var names = Object.keys(request.querystring);
    for (var i = 0; i < names.length; i++) {
      var item = request.querystring[names[i]];
      var values = item.multiValue ? item.multiValue : [item];
      for (var j = 0; j < values.length; j++) {
        query.push(names[i] + (values[j].value === '' ? '' : '=' + values[j].value));
      }
    }
    return {
      statusCode: 301,
      statusDescription: 'Moved Permanently',
      headers: {location: {value: uri + '/' + (query.length ? '?' + query.join('&') : '')}},
    };
  }
  return request;
}
