// expect: ok "<p>275760-09-13T00:00:00.000Z NaN</p>"
// dates at and past the edge of the representable range.
function render() {
  return `<p>${new Date(8.64e15).toISOString()} ${new Date(1e300).getTime()}</p>`;
}
