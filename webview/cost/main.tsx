import "../common/zodJitless";
import "uplot/dist/uPlot.min.css";
import "../common/dashboard.css";
import "./cost.css";
import { createRoot } from "react-dom/client";
import { costContract } from "../../src/shared/protocol/cost";
import { WebviewBridge } from "../common/webviewBridge";
import { CostApp } from "./CostApp";

const root = document.getElementById("root");
if (root) createRoot(root).render(<CostApp bridge={new WebviewBridge(costContract)} />);
