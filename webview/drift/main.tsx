import "../common/zodJitless";
import "uplot/dist/uPlot.min.css";
import "../common/dashboard.css";
import "./drift.css";
import { createRoot } from "react-dom/client";
import { driftContract } from "../../src/shared/protocol/drift";
import { WebviewBridge } from "../common/webviewBridge";
import { DriftApp } from "./DriftApp";

const root = document.getElementById("root");
if (root) createRoot(root).render(<DriftApp bridge={new WebviewBridge(driftContract)} />);
