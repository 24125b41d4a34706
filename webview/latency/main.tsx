import "../common/zodJitless";
import "uplot/dist/uPlot.min.css";
import "../common/dashboard.css";
import "./delivery.css";
import { createRoot } from "react-dom/client";
import { latencyContract } from "../../src/shared/protocol/latency";
import { WebviewBridge } from "../common/webviewBridge";
import { LatencyApp } from "./LatencyApp";

const root = document.getElementById("root");
if (root) createRoot(root).render(<LatencyApp bridge={new WebviewBridge(latencyContract)} />);
