// qrcode-terminal ships no type declarations; this covers what we call.
declare module 'qrcode-terminal' {
  const qrcode: {
    generate(text: string, options: { small?: boolean }, callback: (output: string) => void): void
  }
  export default qrcode
}
