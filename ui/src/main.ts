// Mounts the app. Everything the resident sees comes from App.svelte and the screens under screens/.
import { mount } from "svelte";
import App from "./App.svelte";
import "./app.css";

const target = document.getElementById("app");
if (!target) throw new Error("no #app element");
export default mount(App, { target });
