// placeholder replaced by the proto work
console.log("generate: not yet");
