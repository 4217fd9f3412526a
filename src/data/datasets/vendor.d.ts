// Types for the `mnist` package, which ships none: an array of ten digit sets, each holding
// its 28 x 28 images flattened and concatenated in `raw` (values in [0, 1]).
declare module 'mnist' {
  interface MnistDigit {
    id: number;
    length: number;
    raw: number[];
  }
  const digits: MnistDigit[];
  export default digits;
}
