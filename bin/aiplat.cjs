#!/usr/bin/env node
// The aiplat command. Written in ES5 on purpose: an older Node must be able to parse this file, so
// it can say which Node aiplat needs instead of failing on the bundle's syntax. The bundle
// (dist/cli.js, built for Node 20) is loaded only once the version is known to be enough.
"use strict";
var required = require("../package.json").engines.node;
var minimum = /(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(required) || ["", "20"];
var have = process.versions.node.split(".");
var need = [minimum[1], minimum[2] || "0", minimum[3] || "0"];
var older = false;
for (var i = 0; i < 3; i++) {
  var a = parseInt(have[i] || "0", 10);
  var b = parseInt(need[i], 10);
  if (a !== b) {
    older = a < b;
    break;
  }
}
if (older) {
  process.stderr.write("aiplat: needs Node.js " + required + " but this is Node.js " + process.versions.node + " (" + process.execPath + "); install Node.js 20 or later (https://nodejs.org) and run aiplat again.\n");
  process.exit(2);
}
// The launcher VS Code's terminals use runs Electron as Node; programs aiplat starts (kubeconfig
// exec plugins) should not inherit that.
if (process.versions.electron) delete process.env.ELECTRON_RUN_AS_NODE;
require("../dist/cli.js");
